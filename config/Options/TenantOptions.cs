namespace Gateway.Config.Options;

/// <summary>One tenant: <c>Gateway:Tenants:{tenantId}</c>.</summary>
public sealed class TenantOptions
{
    /// <summary>Name of the tenant's tier.</summary>
    public string Tier { get; set; } = "";

    /// <summary>
    /// Whether every cache lookup of this tenant is written to the audit trail (subject, route, hit or miss, key hash):
    /// for tenants under compliance review. Off by default; hot-reloadable.
    /// </summary>
    public bool AuditCacheAccess { get; set; }
}
