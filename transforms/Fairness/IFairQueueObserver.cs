using Gateway.Config.Tiers;

namespace Gateway.Transforms.Fairness;

/// <summary>Receives the queue's state changes (metrics, auto-throttle).</summary>
internal interface IFairQueueObserver
{
    /// <summary>A tenant's in-flight count changed by <paramref name="delta"/>.</summary>
    void InFlightChanged(string tenantLabel, int delta);

    /// <summary>A tenant's queue depth changed by <paramref name="delta"/>.</summary>
    void QueueDepthChanged(string tenantLabel, int delta);

    /// <summary>
    /// A tenant held <paramref name="slotTimeShare"/> of the cluster's recent slot-time, more than allowed, and wants
    /// more while others wait; it offered <paramref name="offeredRate"/> requests per second to this cluster lately.
    /// </summary>
    void Offending(string tenantId, Tier tier, double slotTimeShare, double offeredRate);
}
