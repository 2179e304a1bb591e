using Gateway.Config.Tiers;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>Where the fair queue reports a tenant whose upstream slot-time starves the others.</summary>
internal interface IAutoThrottle
{
    /// <summary>
    /// Records that <paramref name="tenantId"/> held <paramref name="slotTimeShare"/> of an upstream's recent slot-time,
    /// more than allowed, while other tenants waited, offering <paramref name="offeredRate"/> requests per second to it
    /// from this node. Engages the throttle, tightens it, or extends it.
    /// </summary>
    void ReportOffense(string tenantId, Tier tier, double slotTimeShare, double offeredRate);
}
