using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// Per-tenant token buckets local to this node: the limiter of the embedded single-node mode and the fallback
/// while Redis cannot decide. A bucket is rebuilt when its tenant's policy changes (tier reload, auto-throttle).
/// </summary>
/// <remarks>
/// Built on <see cref="TokenBucketRateLimiter"/> without its timer: tokens are topped up on each acquisition from
/// the limiter's own monotonic clock (it reads <c>Stopwatch</c>, which <see cref="TimeProvider.System"/> wraps too),
/// so an idle tenant costs nothing. A bucket allows <c>Burst</c> requests at once and <c>Rate</c> per second after that,
/// the same shape as the shared GCRA.
/// </remarks>
internal sealed class LocalRateLimiters
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Tenants that currently have a local bucket (for tests and clean-up).</summary>
    public int Count => _buckets.Count;

    /// <summary>Decides one admission for <paramref name="tenantId"/> under <paramref name="policy"/>.</summary>
    public RateLimitDecision Acquire(string tenantId, RateLimitPolicy policy, RateLimitSource source)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var bucket = _buckets.GetOrAdd(tenantId, static (_, p) => new Bucket(p), policy);
        if (bucket.Policy != policy)
        {
            // Replaced, not disposed: another thread may be acquiring from the old bucket right now, and without the
            // replenishment timer there is nothing to release.
            var fresh = new Bucket(policy);
            bucket = _buckets.TryUpdate(tenantId, fresh, bucket) ? fresh : _buckets.GetOrAdd(tenantId, fresh);
        }

        return bucket.Acquire(source);
    }

    /// <summary>Drops the buckets of tenants for which <paramref name="keep"/> is false.</summary>
    public void Retain(Func<string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        foreach (var tenantId in _buckets.Keys)
        {
            if (!keep(tenantId))
            {
                _buckets.TryRemove(tenantId, out _);
            }
        }
    }

    private sealed class Bucket
    {
        private readonly TokenBucketRateLimiter _limiter;

        public Bucket(RateLimitPolicy policy)
        {
            Policy = policy;
            _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = policy.Burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, (long)Math.Round(TimeSpan.TicksPerSecond / policy.Rate))),
                AutoReplenishment = false,
                QueueLimit = 0,
            });
        }

        public RateLimitPolicy Policy { get; }

        public RateLimitDecision Acquire(RateLimitSource source)
        {
            _limiter.TryReplenish();
            using var lease = _limiter.AttemptAcquire(1);
            var available = _limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;
            var missing = Math.Max(0, Policy.Burst - available);
            var resetAfter = TimeSpan.FromSeconds(missing / Policy.Rate);
            if (lease.IsAcquired)
            {
                return new RateLimitDecision(true, Policy, available, TimeSpan.Zero, resetAfter, source);
            }

            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1 / Policy.Rate);
            return new RateLimitDecision(false, Policy, 0, retryAfter, resetAfter, source);
        }
    }
}
