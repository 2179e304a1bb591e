using Gateway.Config.Settings;
using Gateway.Config.Tiers;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>
/// Decides a tenant's <see cref="EffectiveLimit"/>: the throttling stage admits at it, and the throttling gauges and
/// <c>GET /admin/tiers/{tenant}</c> report it. Two factors multiply: the auto-throttle's while the tenant is throttled
/// (the rate it holds the tenant to, over the tier's), and a platform admin's burst grant while one is in force
/// (configured tenants only). So a tenant granted x2 and then held by the auto-throttle to half its tier's rate is
/// admitted at its tier's limit: the grant raises what it may send, the auto-throttle still halves that while it starves
/// the others.
/// </summary>
internal sealed class TenantLimitPolicy
{
    private readonly AutoThrottleController _autoThrottle;
    private readonly BurstGrants _bursts;

    /// <summary>Creates the policy.</summary>
    public TenantLimitPolicy(AutoThrottleController autoThrottle, BurstGrants bursts)
    {
        ArgumentNullException.ThrowIfNull(autoThrottle);
        ArgumentNullException.ThrowIfNull(bursts);
        _autoThrottle = autoThrottle;
        _bursts = bursts;
    }

    /// <summary>The limit <paramref name="tenantId"/> of <paramref name="tier"/> is admitted at now, under <paramref name="settings"/>.</summary>
    public EffectiveLimit For(string tenantId, Tier tier, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tier);
        var burst = settings.Table.IsKnownTenant(tenantId) ? Math.Max(1, Math.Min(_bursts.Factor(tenantId), tier.MaxBurstFactor)) : 1;
        if (_autoThrottle.ThrottledRate(tenantId) is not { } rate)
        {
            return EffectiveLimit.Of(tier, 1, burstFactor: burst);
        }

        return EffectiveLimit.Of(tier, Math.Clamp(rate / tier.MaxQps, double.Epsilon, 1), autoThrottled: true, burst);
    }
}
