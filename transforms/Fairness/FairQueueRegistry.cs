using System.Collections.Concurrent;
using Gateway.Config.Tiers;
using Gateway.Transforms.Diagnostics;
using Gateway.Transforms.Throttling;

namespace Gateway.Transforms.Fairness;

/// <summary>
/// One <see cref="FairQueue"/> per cluster id, created on first use. Publishes per-tenant queue depth and in-flight
/// gauges (summed over clusters) and passes offences on to the <see cref="AutoThrottleController"/>.
/// </summary>
public sealed class FairQueueRegistry : IFairQueueObserver
{
    private readonly ConcurrentDictionary<string, FairQueue> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TenantCounters> _tenants = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly AutoThrottleController _autoThrottle;

    /// <summary>Creates the registry.</summary>
    public FairQueueRegistry(TimeProvider time, GatewayMetrics metrics, AutoThrottleController autoThrottle)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(autoThrottle);
        _time = time;
        _metrics = metrics;
        _autoThrottle = autoThrottle;
    }

    /// <summary>Requests in flight to <paramref name="clusterId"/> from this node.</summary>
    public int InFlight(string clusterId) => _queues.TryGetValue(clusterId, out var queue) ? queue.InFlight : 0;

    /// <summary>Requests waiting for <paramref name="clusterId"/> on this node.</summary>
    public int Queued(string clusterId) => _queues.TryGetValue(clusterId, out var queue) ? queue.Queued : 0;

    /// <summary>Requests of <paramref name="tenantId"/> waiting for <paramref name="clusterId"/> on this node.</summary>
    public int Queued(string clusterId, string tenantId) => _queues.TryGetValue(clusterId, out var queue) ? queue.QueuedFor(tenantId) : 0;

    /// <summary>Requests of <paramref name="tenantId"/> in flight to <paramref name="clusterId"/> from this node.</summary>
    public int InFlight(string clusterId, string tenantId) => _queues.TryGetValue(clusterId, out var queue) ? queue.InFlightFor(tenantId) : 0;

    /// <inheritdoc />
    void IFairQueueObserver.InFlightChanged(string tenantLabel, int delta)
    {
        var counters = Counters(tenantLabel);
        lock (counters)
        {
            counters.InFlight += delta;
            _metrics.SetInFlight(tenantLabel, counters.InFlight);
        }
    }

    /// <inheritdoc />
    void IFairQueueObserver.QueueDepthChanged(string tenantLabel, int delta)
    {
        var counters = Counters(tenantLabel);
        lock (counters)
        {
            counters.Queued += delta;
            _metrics.SetQueueDepth(tenantLabel, counters.Queued);
        }
    }

    /// <inheritdoc />
    void IFairQueueObserver.Offending(string tenantId, Tier tier, int inFlight, int capacity) =>
        _autoThrottle.ReportOffense(tenantId, tier, inFlight, capacity);

    /// <summary>The queue of <paramref name="clusterId"/>.</summary>
    internal FairQueue For(string clusterId) =>
        _queues.GetOrAdd(clusterId, static (id, registry) => new FairQueue(id, registry._time, registry), this);

    private TenantCounters Counters(string tenantLabel) => _tenants.GetOrAdd(tenantLabel, static _ => new TenantCounters());

    private sealed class TenantCounters
    {
        public int InFlight;

        public int Queued;
    }
}
