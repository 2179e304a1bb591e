namespace Gateway.Transforms.Fairness;

/// <summary>What <see cref="FairQueue.TryEnter"/> decided.</summary>
internal enum AdmissionStatus
{
    /// <summary>A slot was taken at once.</summary>
    Granted,

    /// <summary>Queued in the tenant's lane; await <see cref="QueuedRequest.Completion"/>.</summary>
    Queued,

    /// <summary>Refused at once: the lane is full or the deadline cannot be met.</summary>
    Shed,
}

/// <summary>Why a request was shed.</summary>
internal enum ShedReason
{
    /// <summary>Not shed.</summary>
    None,

    /// <summary>The tenant's lane already holds <c>MaxQueuePerTenant</c> requests.</summary>
    QueueFull,

    /// <summary>The expected wait plus service time exceeds the time left until the tier deadline.</summary>
    Deadline,
}

/// <summary>The result of asking the fair queue for a slot.</summary>
/// <param name="Status">Granted, queued or shed.</param>
/// <param name="Lane">The tenant's lane (release the slot through it).</param>
/// <param name="Waiter">The queued request when <paramref name="Status"/> is <see cref="AdmissionStatus.Queued"/>.</param>
/// <param name="Reason">Why it was shed.</param>
/// <param name="EstimatedWait">Expected time until a slot, from the recent upstream service time.</param>
/// <param name="ShedAfter">When queued: how long it may wait before it can no longer make its deadline.</param>
internal readonly record struct Admission(
    AdmissionStatus Status,
    TenantLane Lane,
    QueuedRequest? Waiter,
    ShedReason Reason,
    TimeSpan EstimatedWait,
    TimeSpan ShedAfter);
