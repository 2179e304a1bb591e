using System.Collections.Concurrent;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// Per-tenant buckets local to this node: the limiter of the embedded single-node mode and the fallback while Redis
/// cannot decide. A bucket is rebuilt when its tenant's policy changes (tier reload, auto-throttle).
/// </summary>
/// <remarks>
/// The same GCRA as the shared limiter (<see cref="GcraScript"/>), on this node's <see cref="TimeProvider"/>: a bucket
/// allows <c>Burst</c> requests at once and <c>Rate</c> per second after that, and a refusal does not count. One lock and
/// a few doubles per bucket, so a decision allocates nothing and an idle tenant costs nothing.
/// </remarks>
internal sealed class LocalRateLimiters
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the limiters on the system clock.</summary>
    public LocalRateLimiters()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates the limiters on <paramref name="time"/>.</summary>
    public LocalRateLimiters(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Tenants that currently have a local bucket (for tests and clean-up).</summary>
    public int Count => _buckets.Count;

    /// <summary>Decides one admission for <paramref name="tenantId"/> under <paramref name="policy"/>.</summary>
    public RateLimitDecision Acquire(string tenantId, RateLimitPolicy policy, RateLimitSource source)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var now = _time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(tenantId, static (_, state) => new Bucket(state.policy, state.now), (policy, now));
        if (bucket.Policy != policy)
        {
            // Replaced, not reset: another thread may be deciding on the old bucket right now.
            var fresh = new Bucket(policy, now);
            bucket = _buckets.TryUpdate(tenantId, fresh, bucket) ? fresh : _buckets.GetOrAdd(tenantId, fresh);
        }

        return bucket.Acquire(now, _time.TimestampFrequency, source);
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

    private sealed class Bucket(RateLimitPolicy policy, long created)
    {
        private readonly Lock _gate = new();

        // The theoretical arrival time, in timestamp ticks since the bucket was created (small, so exact as a double).
        private double _tat;

        public RateLimitPolicy Policy { get; } = policy;

        public RateLimitDecision Acquire(long timestamp, long frequency, RateLimitSource source)
        {
            var interval = frequency / Policy.Rate;
            var capacity = interval * Policy.Burst;
            var now = (double)(timestamp - created);
            lock (_gate)
            {
                var ahead = Math.Max(0, _tat - now);
                var available = Math.Floor(((capacity - ahead) / interval) + 1e-9);
                if (available < 1)
                {
                    return new RateLimitDecision(false, Policy, 0, Seconds(ahead + interval - capacity, frequency), Seconds(ahead, frequency), source);
                }

                ahead += interval;
                _tat = now + ahead;
                return new RateLimitDecision(true, Policy, (long)available - 1, TimeSpan.Zero, Seconds(ahead, frequency), source);
            }
        }

        private static TimeSpan Seconds(double ticks, long frequency) => TimeSpan.FromSeconds(ticks / frequency);
    }
}
