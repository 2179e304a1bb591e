using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Transforms.Fairness;

/// <summary>
/// <c>gateway.fairness.queue_wait</c> and the per-tenant gauges <c>gateway.fairness.queue_depth</c> and
/// <c>gateway.upstream.in_flight</c> (summed over clusters), kept current from the queues' changes.
/// </summary>
internal sealed class FairnessMetrics
{
    private readonly Histogram<double> _queueWait;
    private readonly ConcurrentDictionary<string, TenantCounts> _tenants = new(StringComparer.Ordinal);

    /// <summary>Creates the instruments.</summary>
    public FairnessMetrics(IMeterFactory meterFactory)
    {
        var meter = GatewayMeter.Create(meterFactory);
        meter.CreateObservableGauge("gateway.fairness.queue_depth", () => GatewayMeter.PerTenant(_tenants, static c => c.Queued), "{request}", "Requests waiting for upstream capacity.");
        meter.CreateObservableGauge("gateway.upstream.in_flight", () => GatewayMeter.PerTenant(_tenants, static c => c.InFlight), "{request}", "Requests in flight to the upstream.");
        _queueWait = meter.CreateDurationHistogram("gateway.fairness.queue_wait", "Time spent waiting in the fair queue.");
    }

    /// <summary>A tenant's in-flight count changed by <paramref name="delta"/>.</summary>
    public void InFlightChanged(string tenant, int delta) => Interlocked.Add(ref Counts(tenant).InFlight, delta);

    /// <summary>A tenant's queue depth changed by <paramref name="delta"/>.</summary>
    public void QueueDepthChanged(string tenant, int delta) => Interlocked.Add(ref Counts(tenant).Queued, delta);

    /// <summary>Records time spent in the fair queue.</summary>
    public void QueueWaited(string tenant, double seconds)
    {
        if (_queueWait.Enabled)
        {
            _queueWait.Record(seconds, new KeyValuePair<string, object?>("tenant", tenant));
        }
    }

    private TenantCounts Counts(string tenant) => _tenants.GetOrAdd(tenant, static _ => new TenantCounts());

    private sealed class TenantCounts
    {
        public int InFlight;

        public int Queued;
    }
}
