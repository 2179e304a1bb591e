using Gateway.Config.Tiers;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>Where the fair queue reports a tenant that takes more than its share of a saturated upstream.</summary>
internal interface IAutoThrottle
{
    /// <summary>
    /// Records that <paramref name="tenantId"/> holds <paramref name="inFlight"/> of <paramref name="capacity"/> upstream
    /// slots, more than its share, while other tenants wait. Engages the throttle or extends it.
    /// </summary>
    void ReportOffense(string tenantId, Tier tier, int inFlight, int capacity);
}
