namespace Gateway.Transforms.Tenancy;

/// <summary>What a verified token says: who, for which tenant, with which rights, until when.</summary>
public sealed record TenantPrincipal(string? TenantId, string? Subject, bool IsAdmin, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether this principal may act on <paramref name="tenantId"/>'s admin resources.</summary>
    public bool MayAdminister(string tenantId) => IsAdmin || string.Equals(TenantId, tenantId, StringComparison.Ordinal);
}

/// <summary>Outcome of validating a bearer token.</summary>
public readonly record struct TokenCheck(TenantPrincipal? Principal, string? Failure)
{
    /// <summary>True when the token was accepted.</summary>
    public bool IsValid => Principal is not null;

    /// <summary>An accepted token.</summary>
    public static TokenCheck Valid(TenantPrincipal principal) => new(principal, null);

    /// <summary>A rejected token with a reason safe to show the client.</summary>
    public static TokenCheck Invalid(string reason) => new(null, reason);
}
