using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Contracts;

namespace Gateway.Transforms.Tenancy;

/// <summary>
/// Reports the token keys on <c>/readyz</c>: unavailable while no key is configured, since every request would be
/// refused with 401; a node in that state should not receive traffic.
/// </summary>
internal sealed class TokenKeysReadiness : IReadinessCheck
{
    private readonly IGatewaySettings _settings;

    /// <summary>Creates the check.</summary>
    public TokenKeysReadiness(IGatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
    }

    /// <inheritdoc />
    public ReadinessReport Check()
    {
        var jwt = _settings.Current.Options.Jwt;
        if (!jwt.HasVerificationKeys)
        {
            return new ReadinessReport("token-keys", ReadinessReport.Unavailable,
                "no signing key configured (Gateway:Jwt:PublicKeys, Authority, or SigningKey with AllowSharedSecret): every token is refused");
        }

        var kinds = new List<string>(3);
        if (jwt.PublicKeys.Count > 0)
        {
            kinds.Add($"{jwt.PublicKeys.Count} public key(s)");
        }

        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            kinds.Add("authority");
        }

        if (jwt.AcceptsSharedSecret)
        {
            kinds.Add("HS256 shared secret");
        }

        return new ReadinessReport("token-keys", ReadinessReport.Ok, string.Join(", ", kinds));
    }
}
