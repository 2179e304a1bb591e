using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.TenantLimits;

namespace Gateway.Transforms.Throttling;

/// <summary>Adds <c>effective_max_qps</c>, <c>hot</c> and <c>throttled</c> (auto-throttled) to <c>GET /admin/tiers/{tenant}</c>.</summary>
internal sealed class ThrottlingAdminDetails : ITenantAdminDetails
{
    private readonly IGatewaySettings _settings;
    private readonly HotTenantDetector _hot;
    private readonly TenantLimitPolicy _limits;

    /// <summary>Creates the contributor.</summary>
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
    public void Describe(TenantTier tenant, IDictionary<string, object?> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var limit = _limits.For(tenant.TenantId, tenant.Tier, _settings.Current);
        body["effective_max_qps"] = Math.Round(limit.Rate, 3);
        body["hot"] = _hot.Get(tenant.TenantId).Hot;
        body["throttled"] = limit.AutoThrottled;
    }
}
