namespace Gateway.Transforms.Tenancy;

/// <summary>What a verified token says: who, for which tenant, with which rights, until when.</summary>
public sealed record TenantPrincipal(string? TenantId, string? Subject, bool IsAdmin, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether this principal may act on <paramref name="tenantId"/>'s admin resources.</summary>
    public bool MayAdminister(string tenantId) => IsAdmin || string.Equals(TenantId, tenantId, StringComparison.Ordinal);
}
