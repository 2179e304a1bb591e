using StackExchange.Redis;

namespace Gateway.Transforms.Throttling;

/// <summary>The shared GCRA as <see cref="LeasedRateLimiter"/> calls it (Redis in production, a simulation in unit tests).</summary>
internal interface ISharedLimiter
{
    /// <summary>Whether a shared store is configured at all (otherwise the node decides alone).</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// Takes up to <paramref name="want"/> admissions at once from the state at <paramref name="key"/> (at most
    /// <see cref="SharedRateLimiter.LeaseFraction"/> of those available, at least one while any is) within
    /// <paramref name="budget"/>. Null when the shared state could not be reached.
    /// </summary>
    ValueTask<SharedGrant?> TryTakeAsync(RedisKey key, RateLimitPolicy policy, long want, TimeSpan budget, CancellationToken cancellationToken);
}
