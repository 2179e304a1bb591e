using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Gateway.Transforms.Pipeline;

namespace Gateway.Transforms.Throttling;

/// <summary>Adds <c>effective_max_qps</c>, <c>hot</c> and <c>throttled</c> (auto-throttled) to <c>GET /admin/tiers/{tenant}</c>.</summary>
public sealed class ThrottlingAdminDetails : ITenantAdminDetails
{
    private readonly IGatewaySettings _settings;
    private readonly HotTenantDetector _hot;
    private readonly AutoThrottleController _autoThrottle;

    /// <summary>Creates the contributor.</summary>
    public ThrottlingAdminDetails(IGatewaySettings settings, HotTenantDetector hot, AutoThrottleController autoThrottle)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(hot);
        ArgumentNullException.ThrowIfNull(autoThrottle);
        _settings = settings;
        _hot = hot;
        _autoThrottle = autoThrottle;
    }

    /// <inheritdoc />
    public void Describe(TenantTier tenant, IDictionary<string, object?> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var throttled = _autoThrottle.IsThrottled(tenant.TenantId);
        var factor = throttled ? _settings.Current.Options.Fairness.AutoThrottleFactor : 1;
        body["effective_max_qps"] = Math.Round(tenant.Tier.MaxQps * factor, 3);
        body["hot"] = _hot.Get(tenant.TenantId).Hot;
        body["throttled"] = throttled;
    }
}
