using System.Globalization;
using System.Security.Claims;
using System.Text;
using Gateway.Config.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Hosting;

/// <summary>
/// <c>Gateway token --tenant ID [--scope S] [--subject S] [--lifetime SECONDS] [--config PATH] [--environment NAME]</c>:
/// prints a development token signed with the configured HS256 <c>Gateway:Jwt:SigningKey</c>, read the way the gateway
/// reads it in that environment (<c>ASPNETCORE_ENVIRONMENT</c> by default). Refuses when the gateway would not accept it.
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
            error.WriteLine("usage: token --tenant ID [--scope gateway:admin|gateway:tenant-admin] [--subject NAME] [--lifetime SECONDS] [--config PATH] [--environment NAME]");
            return 64;
        }

        var path = GatewayConfigurationFile.Resolve(options, Directory.GetCurrentDirectory());
        var environment = options["environment"]
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environments.Production;
        if (ReadJwt(path, environment) is not { } jwt)
        {
            error.WriteLine($"{path}: Gateway:Jwt cannot be read.");
            return 1;
        }

        if (string.IsNullOrEmpty(jwt.SigningKey))
        {
            error.WriteLine($"{path} ({environment}): Gateway:Jwt:SigningKey is not set; development tokens need the HS256 key "
                + $"(in Development it comes from {Path.GetFileName(GatewayConfigurationFile.DevelopmentOverlay(path))}).");
            return 1;
        }

        if (!jwt.AcceptsSharedSecret)
        {
            error.WriteLine(jwt.HasAsymmetricKeys
                ? $"{path} ({environment}): Gateway:Jwt:PublicKeys or Authority is configured, so the gateway refuses HS256 tokens; get a token from your issuer."
                : $"{path} ({environment}): Gateway:Jwt:AllowSharedSecret is not true, so the gateway refuses HS256 tokens.");
            return 1;
        }

        var lifetime = int.TryParse(options["lifetime"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : 3600;
        output.WriteLine(Mint(jwt, tenant, options["subject"] ?? $"dev-user@{tenant ?? "admin"}", scope, TimeSpan.FromSeconds(lifetime), DateTimeOffset.UtcNow));
        return 0;
    }

    private static JwtOptions? ReadJwt(string path, string environment)
    {
        var builder = new ConfigurationBuilder();
        foreach (var source in GatewayConfigurationFile.Sources(path, environment, new Config.Reload.ConfigFileEvents()))
        {
            builder.Add(source);
        }

        var configuration = builder.AddEnvironmentVariables().Build();
        try
        {
            return configuration.GetSection($"{GatewayOptions.SectionName}:Jwt").Get<JwtOptions>() ?? new JwtOptions();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        finally
        {
            // The watched files poll on a timer; this configuration is read once.
            (configuration as IDisposable)?.Dispose();
        }
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
