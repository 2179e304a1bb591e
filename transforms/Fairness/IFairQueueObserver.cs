using Gateway.Config.Tiers;

namespace Gateway.Transforms.Fairness;

/// <summary>Receives the queue's state changes (metrics, auto-throttle).</summary>
internal interface IFairQueueObserver
{
    /// <summary>A tenant's in-flight count changed by <paramref name="delta"/>.</summary>
    void InFlightChanged(string tenantLabel, int delta);

    /// <summary>A tenant's queue depth changed by <paramref name="delta"/>.</summary>
    void QueueDepthChanged(string tenantLabel, int delta);

    /// <summary>A tenant holds more than its share of a saturated upstream while others wait.</summary>
    void Offending(string tenantId, Tier tier, int inFlight, int capacity);
}
