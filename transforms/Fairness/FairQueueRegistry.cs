using System.Collections.Concurrent;
using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.TenantLimits;

namespace Gateway.Transforms.Fairness;

/// <summary>
/// One <see cref="FairQueue"/> per cluster id, created on first use. Passes the queues' changes on to the per-tenant
/// gauges (summed over clusters) and offences to the auto-throttle.
/// </summary>
internal sealed class FairQueueRegistry : IFairQueueObserver
{
    private readonly ConcurrentDictionary<string, FairQueue> _queues = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly FairnessMetrics _metrics;
    private readonly IAutoThrottle _autoThrottle;

    /// <summary>Creates the registry.</summary>
    public FairQueueRegistry(TimeProvider time, FairnessMetrics metrics, IAutoThrottle autoThrottle)
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
    void IFairQueueObserver.InFlightChanged(string tenantLabel, int delta) => _metrics.InFlightChanged(tenantLabel, delta);

    /// <inheritdoc />
    void IFairQueueObserver.QueueDepthChanged(string tenantLabel, int delta) => _metrics.QueueDepthChanged(tenantLabel, delta);

    /// <inheritdoc />
    void IFairQueueObserver.Offending(string tenantId, Tier tier, double slotTimeShare, double offeredRate) =>
        _autoThrottle.ReportOffense(tenantId, tier, slotTimeShare, offeredRate);

    /// <summary>The queue of <paramref name="clusterId"/>.</summary>
    internal FairQueue For(string clusterId) =>
        _queues.GetOrAdd(clusterId, static (id, registry) => new FairQueue(id, registry._time, registry), this);
}
