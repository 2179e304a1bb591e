namespace Gateway.Transforms.Fairness;

/// <summary>A slot of a cluster's capacity held by one request; give it back with <see cref="FairQueue.Release"/>.</summary>
/// <param name="Lane">The tenant's lane.</param>
/// <param name="Charge">Seconds of service the lane was charged when it took the slot (settled against the measured time on release).</param>
/// <param name="StartedAt"><see cref="TimeProvider.GetTimestamp"/> when the slot was taken.</param>
internal readonly record struct Slot(TenantLane Lane, double Charge, long StartedAt);
