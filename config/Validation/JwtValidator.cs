using Gateway.Config.Options;
using Gateway.Config.Formats;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Jwt</c>: issuer, audience, usable keys, a shared secret only when allowed, distinct admin scopes.</summary>
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

        // No key at all is allowed: the gateway starts, refuses every token and says so (log, /readyz), so an image
        // shipped without keys is safe. A shared secret, though, must be asked for: a development key that slipped
        // into a production configuration would let anyone who has read it mint tokens.
        if (!string.IsNullOrEmpty(jwt.SigningKey) && !jwt.AllowSharedSecret)
        {
            errors.Add($"{key}:SigningKey is set but {key}:AllowSharedSecret is not true. HS256 shared secrets are for development "
                + $"(the Development environment allows them); configure {key}:PublicKeys or {key}:Authority, or set "
                + $"{key}:AllowSharedSecret to true to use this key deliberately.");
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

        if (!string.IsNullOrEmpty(jwt.TenantAdminScope) && string.Equals(jwt.TenantAdminScope, jwt.AdminScope, StringComparison.Ordinal))
        {
            errors.Add($"{key}:TenantAdminScope must differ from {key}:AdminScope ('{jwt.AdminScope}'): a tenant administrator is not a platform administrator.");
        }

        if (jwt.ClockSkewSeconds is < 0 or > 300)
        {
            errors.Add($"{key}:ClockSkewSeconds must be between 0 and 300 (got {jwt.ClockSkewSeconds}).");
        }
    }
}
