namespace Gateway.Transforms.Fairness;

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
