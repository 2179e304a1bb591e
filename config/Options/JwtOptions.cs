namespace Gateway.Config.Options;

/// <summary>The <c>Gateway:Jwt</c> section: how bearer tokens are validated.</summary>
public sealed class JwtOptions
{
    /// <summary>Required <c>iss</c> value.</summary>
    public string? Issuer { get; set; }

    /// <summary>Required <c>aud</c> value.</summary>
    public string? Audience { get; set; }

    /// <summary>HS256 shared secret (UTF-8). For development; at least 32 bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>PEM-encoded RSA or EC public keys; tokens signed with RS256 or ES256 by the matching private key are accepted.</summary>
    public List<string> PublicKeys { get; set; } = [];

    /// <summary>OpenID Connect authority; signing keys come from its discovery document and JWKS, refreshed in the background.</summary>
    public string? Authority { get; set; }

    /// <summary>Whether the authority's metadata must be fetched over HTTPS. Only tests should turn this off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Claim that carries the tenant id.</summary>
    public string TenantClaim { get; set; } = "tenant_id";

    /// <summary>Allowed clock skew for <c>exp</c> and <c>nbf</c>.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>Scope (in the space-separated <c>scope</c> claim) that grants admin rights over every tenant.</summary>
    public string AdminScope { get; set; } = "gateway:admin";
}
