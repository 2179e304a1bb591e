namespace Gateway.Transforms.Fairness;

/// <summary>The result of asking the fair queue for a slot.</summary>
/// <param name="Status">Granted, queued or shed.</param>
/// <param name="Lane">The tenant's lane.</param>
/// <param name="Slot">The slot when <paramref name="Status"/> is <see cref="QueueEntryStatus.Granted"/> (give it back with <see cref="FairQueue.Release"/>).</param>
/// <param name="Waiter">The queued request when <paramref name="Status"/> is <see cref="QueueEntryStatus.Queued"/>.</param>
/// <param name="Reason">Why it was shed.</param>
/// <param name="EstimatedWait">Expected time until a slot, from the recent upstream service time.</param>
/// <param name="ShedAfter">When queued: how long it may wait before it can no longer make its deadline.</param>
internal readonly record struct QueueEntry(
    QueueEntryStatus Status,
    TenantLane Lane,
    Slot Slot,
    QueuedRequest? Waiter,
    ShedReason Reason,
    TimeSpan EstimatedWait,
    TimeSpan ShedAfter);
