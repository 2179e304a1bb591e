namespace Gateway.Transforms.Timeouts;

/// <summary>Why the gateway ended a streamed answer before the upstream did.</summary>
internal enum StreamEndReason
{
    /// <summary>The stream ran for the tier's <c>MaxStreamSeconds</c>.</summary>
    MaxDuration,

    /// <summary>The upstream sent nothing for <c>Gateway:Limits:StreamIdleSeconds</c>.</summary>
    Idle,
}
