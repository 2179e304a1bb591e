using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// <c>gateway.throttle.fallbacks</c> and the per-tenant gauges <c>gateway.throttle.effective_limit</c>,
/// <c>gateway.throttle.limit_utilization</c>, <c>gateway.tenant.hot</c> and <c>gateway.tenant.auto_throttled</c>,
/// whose state <see cref="ThrottlingMonitor"/> publishes once a second.
/// </summary>
internal sealed class ThrottlingMetrics
{
    private readonly Counter<long> _fallbacks;
    private readonly ConcurrentDictionary<(string Tenant, string Tier), TenantThrottleState> _state = new();

    /// <summary>Creates the instruments.</summary>
    public ThrottlingMetrics(IMeterFactory meterFactory)
    {
        var meter = GatewayMeter.Create(meterFactory);
        _fallbacks = meter.CreateCounter<long>("gateway.throttle.fallbacks", "{decision}", "Admissions decided by the local fallback limiter because Redis was unavailable.");
        meter.CreateObservableGauge("gateway.throttle.effective_limit", () => Observe(s => s.EffectiveLimit), "{request}", "Requests per second a tenant is currently admitted at.");
        meter.CreateObservableGauge("gateway.throttle.limit_utilization", () => Observe(s => s.Utilization), "1", "Observed rate over the tenant's limit.");
        meter.CreateObservableGauge("gateway.tenant.hot", () => Observe(s => s.Hot ? 1 : 0), "{tenant}", "1 while a tenant uses 80% or more of its limit.");
        meter.CreateObservableGauge("gateway.tenant.auto_throttled", () => Observe(s => s.AutoThrottled ? 1 : 0), "{tenant}", "1 while a tenant's limit is lowered for taking more than its share.");
    }

    /// <summary>Records an admission decided locally because Redis was unavailable.</summary>
    public void Fallback(string tenant)
    {
        if (_fallbacks.Enabled)
        {
            _fallbacks.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
        }
    }

    /// <summary>Publishes a tenant's state for the gauges.</summary>
    public void SetState(string tenant, string tier, TenantThrottleState state)
    {
        _state[(tenant, tier)] = state;

        // A tenant moved to another tier by a reload must not leave its old tier's series behind.
        foreach (var key in _state.Keys)
        {
            if (key.Tenant == tenant && key.Tier != tier)
            {
                _state.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Forgets the gauges of tenants that left the table, so removed tenants do not linger as series.</summary>
    public void RetainTenants(IReadOnlySet<string> tenants)
    {
        foreach (var key in _state.Keys)
        {
            if (!tenants.Contains(key.Tenant))
            {
                _state.TryRemove(key, out _);
            }
        }
    }

    private IEnumerable<Measurement<double>> Observe(Func<TenantThrottleState, double> select)
    {
        foreach (var ((tenant, tier), state) in _state)
        {
            yield return new Measurement<double>(select(state), GatewayMeter.TenantTags(tenant, tier));
        }
    }
}
