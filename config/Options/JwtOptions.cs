namespace Gateway.Config.Options;

/// <summary>The <c>Gateway:Jwt</c> section: how bearer tokens are validated.</summary>
public sealed class JwtOptions
{
    /// <summary>Default of <see cref="AdminScope"/>.</summary>
    public const string DefaultAdminScope = "gateway:admin";

    /// <summary>Default of <see cref="TenantAdminScope"/>.</summary>
    public const string DefaultTenantAdminScope = "gateway:tenant-admin";

    /// <summary>Required <c>iss</c> value.</summary>
    public string? Issuer { get; set; }

    /// <summary>Required <c>aud</c> value.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// HS256 shared secret (UTF-8), at least 32 bytes. For development: honoured only with <see cref="AllowSharedSecret"/>
    /// and only while neither <see cref="PublicKeys"/> nor <see cref="Authority"/> is configured.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Whether an HS256 <see cref="SigningKey"/> may be used at all. Defaults to true in the Development environment
    /// (the host supplies that default) and false everywhere else, where a key without it stops start-up.
    /// </summary>
    public bool AllowSharedSecret { get; set; }

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
    public string AdminScope { get; set; } = DefaultAdminScope;

    /// <summary>Scope that lets a tenant's token perform write actions (invalidation) on its own tenant.</summary>
    public string TenantAdminScope { get; set; } = DefaultTenantAdminScope;

    /// <summary>True when asymmetric keys are configured (public keys or an authority).</summary>
    public bool HasAsymmetricKeys => PublicKeys.Count > 0 || !string.IsNullOrWhiteSpace(Authority);

    /// <summary>
    /// True when HS256 tokens signed with <see cref="SigningKey"/> are accepted: a key is set, it is allowed, and no
    /// asymmetric keys are configured (with those, a shared secret that leaked would still mint tokens).
    /// </summary>
    public bool AcceptsSharedSecret => !string.IsNullOrEmpty(SigningKey) && AllowSharedSecret && !HasAsymmetricKeys;

    /// <summary>True when at least one kind of token can be verified; false means every token is refused.</summary>
    public bool HasVerificationKeys => AcceptsSharedSecret || HasAsymmetricKeys;
}
