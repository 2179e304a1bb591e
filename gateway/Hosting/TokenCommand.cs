using System.Globalization;
using System.Security.Claims;
using System.Text;
using Gateway.Config.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Hosting;

/// <summary>
/// <c>Gateway token --tenant ID [--scope S] [--subject S] [--lifetime SECONDS] [--config PATH]</c>: prints a
/// development token signed with the configured HS256 <c>Gateway:Jwt:SigningKey</c>.
/// </summary>
public static class TokenCommand
{
    /// <summary>Sub-command name.</summary>
    public const string Name = "token";

    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var options = new ConfigurationBuilder().AddCommandLine(args).Build();
        var tenant = options["tenant"];
        var scope = options["scope"];
        if (string.IsNullOrWhiteSpace(tenant) && string.IsNullOrWhiteSpace(scope))
        {
            error.WriteLine("usage: token --tenant ID [--scope gateway:admin] [--subject NAME] [--lifetime SECONDS] [--config PATH]");
            return 64;
        }

        var path = GatewayConfigurationFile.Resolve(options, Directory.GetCurrentDirectory());
        var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false).AddEnvironmentVariables().Build();
        var jwt = configuration.GetSection($"{GatewayOptions.SectionName}:Jwt").Get<JwtOptions>() ?? new JwtOptions();
        if (string.IsNullOrEmpty(jwt.SigningKey))
        {
            error.WriteLine($"{path}: Gateway:Jwt:SigningKey is not set; development tokens need the HS256 key.");
            return 1;
        }

        var lifetime = int.TryParse(options["lifetime"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : 3600;
        output.WriteLine(Mint(jwt, tenant, options["subject"] ?? $"dev-user@{tenant ?? "admin"}", scope, TimeSpan.FromSeconds(lifetime), DateTimeOffset.UtcNow));
        return 0;
    }

    /// <summary>Creates a signed development token.</summary>
    public static string Mint(JwtOptions jwt, string? tenant, string subject, string? scope, TimeSpan lifetime, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject };
        if (!string.IsNullOrEmpty(tenant))
        {
            claims[jwt.TenantClaim] = tenant;
        }

        if (!string.IsNullOrEmpty(scope))
        {
            claims["scope"] = scope;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(lifetime).UtcDateTime,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey!)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
