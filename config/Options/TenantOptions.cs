namespace Gateway.Config.Options;

/// <summary>One tenant: <c>Gateway:Tenants:{tenantId}</c>.</summary>
public sealed class TenantOptions
{
    /// <summary>Name of the tenant's tier.</summary>
    public string Tier { get; set; } = "";
}
