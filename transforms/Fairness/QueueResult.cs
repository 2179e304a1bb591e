namespace Gateway.Transforms.Fairness;

/// <summary>How a wait in the fair queue ended.</summary>
internal enum QueueResult
{
    /// <summary>A slot was handed over; the holder must release it.</summary>
    Granted,

    /// <summary>Still queued when it could no longer meet its deadline.</summary>
    Shed,
}
