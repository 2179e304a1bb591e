using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.TenantLimits;

namespace Gateway.Transforms.Throttling;

/// <summary>The throttling state of a tenant for the admin API: its effective limit (with any burst grant), hot and auto-throttled flags.</summary>
internal sealed class ThrottlingAdminDetails : ITenantThrottleView
{
    private readonly IGatewaySettings _settings;
    private readonly HotTenantDetector _hot;
    private readonly TenantLimitPolicy _limits;

    /// <summary>Creates the view.</summary>
    public ThrottlingAdminDetails(IGatewaySettings settings, HotTenantDetector hot, TenantLimitPolicy limits)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(hot);
        ArgumentNullException.ThrowIfNull(limits);
        _settings = settings;
        _hot = hot;
        _limits = limits;
    }

    /// <inheritdoc />
    public TenantLimitView Describe(TenantTier tenant)
    {
        var limit = _limits.For(tenant.TenantId, tenant.Tier, _settings.Current);
        var hot = _hot.Get(tenant.TenantId);
        return new TenantLimitView(Math.Round(limit.Rate, 3), limit.BurstFactor, hot.Hot, limit.AutoThrottled, hot.Utilization);
    }
}
