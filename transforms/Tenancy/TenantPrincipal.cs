namespace Gateway.Transforms.Tenancy;

/// <summary>What a verified token says: who, for which tenant, with which rights, until when.</summary>
/// <param name="TenantId">The tenant claim; null for a platform admin token without one.</param>
/// <param name="Subject">The <c>sub</c> claim.</param>
/// <param name="IsAdmin">The token carries the platform <c>AdminScope</c>: every tenant, read and write.</param>
/// <param name="IsTenantAdmin">The token carries the <c>TenantAdminScope</c>: write actions on its own tenant.</param>
/// <param name="ExpiresAt">The token's <c>exp</c>.</param>
public sealed record TenantPrincipal(string? TenantId, string? Subject, bool IsAdmin, bool IsTenantAdmin, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether this principal may read <paramref name="tenantId"/>'s admin resources (metrics, tier): its own tenant, or any as platform admin.</summary>
    public bool MayRead(string tenantId) => IsAdmin || IsOwn(tenantId);

    /// <summary>
    /// Whether this principal may change <paramref name="tenantId"/> (invalidate its cache): the platform admin, or a token
    /// of that tenant carrying the tenant-admin scope. An ordinary user of the tenant may not.
    /// </summary>
    public bool MayWrite(string tenantId) => IsAdmin || (IsTenantAdmin && IsOwn(tenantId));

    private bool IsOwn(string tenantId) => string.Equals(TenantId, tenantId, StringComparison.Ordinal);
}
