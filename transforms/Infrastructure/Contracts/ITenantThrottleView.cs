using Gateway.Config.Tiers;

namespace Gateway.Transforms.Infrastructure.Contracts;

/// <summary>What the throttling stage knows of a tenant now, for <c>GET /admin/tiers/{tenant}</c>, <c>GET /admin/tenants</c> and the console.</summary>
public interface ITenantThrottleView
{
    /// <summary>The tenant's limit and flags as this node applies them now.</summary>
    TenantLimitView Describe(TenantTier tenant);
}

/// <summary>A tenant's limit and flags as one node applies them.</summary>
/// <param name="EffectiveMaxQps">Requests per second admitted now: the tier's limit times the auto-throttle and burst factors.</param>
/// <param name="BurstFactor">The burst grant's factor included (1 without a grant).</param>
/// <param name="Hot">Using 80% (<c>Throttling:HotThreshold</c>) or more of its limit.</param>
/// <param name="AutoThrottled">Its limit is lowered for taking more than its share of a saturated upstream.</param>
/// <param name="Utilization">Offered rate over its limit, as measured by this node.</param>
public sealed record TenantLimitView(double EffectiveMaxQps, double BurstFactor, bool Hot, bool AutoThrottled, double Utilization);
