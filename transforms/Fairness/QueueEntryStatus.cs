namespace Gateway.Transforms.Fairness;

/// <summary>What <see cref="FairQueue.TryEnter"/> decided.</summary>
internal enum QueueEntryStatus
{
    /// <summary>A slot was taken at once.</summary>
    Granted,

    /// <summary>Queued in the tenant's lane; await <see cref="QueuedRequest.Completion"/>.</summary>
    Queued,

    /// <summary>Refused at once: the lane is full or the deadline cannot be met.</summary>
    Shed,
}
