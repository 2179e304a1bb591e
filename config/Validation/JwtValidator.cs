using Gateway.Config.Options;
using Gateway.Config.Formats;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Jwt</c>: issuer, audience, at least one way to verify signatures, usable keys.</summary>
internal sealed class JwtValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Jwt";
        var jwt = options.Jwt;
        if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            errors.Add($"{key}:Issuer is required.");
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            errors.Add($"{key}:Audience is required.");
        }

        if (string.IsNullOrEmpty(jwt.SigningKey) && jwt.PublicKeys.Count == 0 && string.IsNullOrWhiteSpace(jwt.Authority))
        {
            errors.Add($"{key}: configure SigningKey, PublicKeys or Authority so tokens can be verified.");
        }

        if (!string.IsNullOrEmpty(jwt.SigningKey) && System.Text.Encoding.UTF8.GetByteCount(jwt.SigningKey) < 32)
        {
            errors.Add($"{key}:SigningKey must be at least 32 bytes for HS256.");
        }

        for (var i = 0; i < jwt.PublicKeys.Count; i++)
        {
            if (!PemKeys.TryLoad(jwt.PublicKeys[i], out _, out var reason))
            {
                errors.Add($"{key}:PublicKeys:{i} is not a usable PEM public key ({reason}).");
            }
        }

        if (!string.IsNullOrWhiteSpace(jwt.Authority) && !Uri.TryCreate(jwt.Authority, UriKind.Absolute, out _))
        {
            errors.Add($"{key}:Authority '{jwt.Authority}' is not an absolute URI.");
        }

        if (string.IsNullOrWhiteSpace(jwt.TenantClaim))
        {
            errors.Add($"{key}:TenantClaim must not be empty.");
        }

        if (jwt.ClockSkewSeconds is < 0 or > 300)
        {
            errors.Add($"{key}:ClockSkewSeconds must be between 0 and 300 (got {jwt.ClockSkewSeconds}).");
        }
    }
}
