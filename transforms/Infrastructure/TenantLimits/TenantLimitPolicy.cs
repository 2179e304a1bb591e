using Gateway.Config.Settings;
using Gateway.Config.Tiers;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>
/// Decides a tenant's <see cref="EffectiveLimit"/>: the throttling stage admits at it, and the throttling gauges and
/// <c>GET /admin/tiers/{tenant}</c> report it. Today the only factor is the auto-throttle's while the tenant is
/// throttled (the rate it holds the tenant to, over the tier's); another factor (for example a temporary burst granted
/// by an admin) multiplies in here.
/// </summary>
internal sealed class TenantLimitPolicy
{
    private readonly AutoThrottleController _autoThrottle;

    /// <summary>Creates the policy.</summary>
    public TenantLimitPolicy(AutoThrottleController autoThrottle)
    {
        ArgumentNullException.ThrowIfNull(autoThrottle);
        _autoThrottle = autoThrottle;
    }

    /// <summary>The limit <paramref name="tenantId"/> of <paramref name="tier"/> is admitted at now, under <paramref name="settings"/>.</summary>
    public EffectiveLimit For(string tenantId, Tier tier, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tier);
        if (_autoThrottle.ThrottledRate(tenantId) is not { } rate)
        {
            return EffectiveLimit.Of(tier, 1);
        }

        return EffectiveLimit.Of(tier, Math.Clamp(rate / tier.MaxQps, double.Epsilon, 1), autoThrottled: true);
    }
}
