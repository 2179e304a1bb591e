namespace Gateway.Transforms.Throttling;

/// <summary>The answer of a limiter for one request.</summary>
/// <param name="Allowed">Whether the request is admitted.</param>
/// <param name="Policy">The policy the decision was made with.</param>
/// <param name="Remaining">Requests that would be admitted right now after this one.</param>
/// <param name="RetryAfter">When refused: time until one request would be admitted again; zero when admitted.</param>
/// <param name="ResetAfter">Time until the bucket is full again (the whole burst available).</param>
/// <param name="Source">Which limiter decided.</param>
internal readonly record struct RateLimitDecision(
    bool Allowed,
    RateLimitPolicy Policy,
    long Remaining,
    TimeSpan RetryAfter,
    TimeSpan ResetAfter,
    RateLimitSource Source);
