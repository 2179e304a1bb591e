namespace Gateway.Transforms.Throttling;

/// <summary>The shared limiter's answer to one call (<see cref="GcraScript"/>).</summary>
/// <param name="Granted">Admissions granted: 0 on a refusal, 1, or more for a lease.</param>
/// <param name="Remaining">Admissions that would still be granted at once after this call.</param>
/// <param name="RetryAfter">On a refusal: time until one admission would be granted; zero otherwise.</param>
/// <param name="ResetAfter">Time until the whole burst is available again (the granted admissions counted as used).</param>
internal readonly record struct SharedGrant(long Granted, long Remaining, TimeSpan RetryAfter, TimeSpan ResetAfter)
{
    /// <summary>The decision for the one request that made the call.</summary>
    public RateLimitDecision Decision(RateLimitPolicy policy) => Granted > 0
        ? new RateLimitDecision(true, policy, Remaining + Granted - 1, TimeSpan.Zero, ResetAfter, RateLimitSource.Shared)
        : new RateLimitDecision(false, policy, 0, RetryAfter, ResetAfter, RateLimitSource.Shared);
}
