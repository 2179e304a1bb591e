using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// The shared limiter as a node uses it: most decisions come from what Redis already answered, not from a round trip.
/// <list type="bullet">
/// <item><b>Leases.</b> While a key is far below its limit, one script call takes a batch of admissions: about
/// <see cref="LeaseTarget"/> of this node's recent traffic, at most <see cref="SharedRateLimiter.LeaseFraction"/> of
/// those available at once. Later requests use them without a call. Near the limit the script grants one at a time,
/// so admission is exact there.</item>
/// <item><b>Local refusals.</b> A refusal is remembered until the retry time it carried; until then the node refuses
/// by itself, with no Redis call per refused request (refusals do not change the shared state, so Redis would have
/// answered the same).</item>
/// </list>
/// Both are dropped when the policy changes (reload, auto-throttle, burst grant): they were decided under the old one.
/// </summary>
/// <remarks>
/// <para>
/// Accuracy: leased admissions were counted in Redis when they were taken, so they never add to what Redis admits; they
/// are only used a little later. A node holds at most one lease, of at most a tenth of what was available, so over any
/// window N nodes admit at most N leases more than the GCRA bound (<c>rate × D + burst</c>), and only on the way from far
/// below the limit to at it, where leases shrink to single admissions. Leased admissions not used within
/// <see cref="LeaseLifetime"/> lapse (they stay counted, so a lapse under-admits, by at most one lease).
/// </para>
/// <para>
/// Keyed by an id (a tenant) with the Redis key built once per id by the function given, so a second limiter (another
/// key family) can reuse the class.
/// </para>
/// </remarks>
internal sealed class LeasedRateLimiter
{
    /// <summary>A lease aims to last this long at the node's recent rate.</summary>
    public static readonly TimeSpan LeaseTarget = TimeSpan.FromMilliseconds(100);

    /// <summary>Leased admissions not used within this time lapse.</summary>
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromMilliseconds(500);

    /// <summary>Largest lease asked for.</summary>
    public const long MaxLease = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ISharedLimiter _shared;
    private readonly TimeProvider _time;
    private readonly Func<string, RedisKey> _keyOf;
    private readonly long _lifetimeTicks;

    /// <summary>Creates the limiter over <paramref name="shared"/>; <paramref name="keyOf"/> names an id's Redis key.</summary>
    public LeasedRateLimiter(ISharedLimiter shared, TimeProvider time, Func<string, RedisKey> keyOf)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(keyOf);
        _shared = shared;
        _time = time;
        _keyOf = keyOf;
        _lifetimeTicks = Ticks(LeaseLifetime, time);
    }

    /// <summary>Ids that currently have state (for tests and clean-up).</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Decides one admission for <paramref name="id"/> under <paramref name="policy"/>: from a lease or a remembered
    /// refusal when there is one (completes synchronously), otherwise in Redis within <paramref name="budget"/>. Null when
    /// Redis could not decide. Only the caller's cancellation throws.
    /// </summary>
    public ValueTask<RateLimitDecision?> TryAcquireAsync(string id, RateLimitPolicy policy, TimeSpan budget, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(id, static (key, self) => new Entry(self._keyOf(key)), this);
        var now = _time.GetTimestamp();
        long want;
        bool refill;
        lock (entry.Gate)
        {
            if (entry.Policy != policy)
            {
                entry.Restart(policy);
            }

            if (entry.RefusedUntil > now)
            {
                return new(new RateLimitDecision(false, policy, 0, Elapsed(now, entry.RefusedUntil), Elapsed(now, entry.ResetAt), RateLimitSource.Shared));
            }

            if (entry.Tokens > 0 && now - entry.LeaseTakenAt < _lifetimeTicks)
            {
                entry.Tokens--;
                return new(new RateLimitDecision(true, policy, entry.LeaseRemaining + entry.Tokens, TimeSpan.Zero, Elapsed(now, entry.ResetAt), RateLimitSource.Shared));
            }

            // One caller at a time renews the lease; the others meanwhile ask for single admissions.
            refill = !entry.Refilling;
            want = refill ? entry.NextLease(now, _time) : 1;
            entry.Refilling |= refill;
        }

        return TakeAsync(entry, policy, want, refill, budget, cancellationToken);
    }

    /// <summary>Drops the state of ids for which <paramref name="keep"/> is false.</summary>
    public void Retain(Func<string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        foreach (var id in _entries.Keys)
        {
            if (!keep(id))
            {
                _entries.TryRemove(id, out _);
            }
        }
    }

    private async ValueTask<RateLimitDecision?> TakeAsync(Entry entry, RateLimitPolicy policy, long want, bool refill, TimeSpan budget, CancellationToken cancellationToken)
    {
        SharedGrant? answer = null;
        try
        {
            answer = await _shared.TryTakeAsync(entry.Key, policy, want, budget, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            var now = _time.GetTimestamp();
            lock (entry.Gate)
            {
                entry.Refilling &= !refill;
                if (answer is { } grant)
                {
                    if (entry.Policy != policy)
                    {
                        entry.Restart(policy);
                    }

                    entry.Record(grant, refill, now, _time);
                }
            }
        }

        return answer?.Decision(policy);
    }

    private TimeSpan Elapsed(long now, long until) => until > now ? _time.GetElapsedTime(now, until) : TimeSpan.Zero;

    private static long Ticks(TimeSpan span, TimeProvider time) => (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>One id's lease and remembered refusal; every field is guarded by <see cref="Gate"/>.</summary>
    private sealed class Entry(RedisKey key)
    {
        public readonly Lock Gate = new();
        public readonly RedisKey Key = key;
        public RateLimitPolicy Policy;

        // The lease: admissions left, when it was taken, how many it had, and what Redis had left after it.
        public long Tokens;
        public long LeaseTakenAt;
        public long LeaseGranted;
        public long LeaseRemaining;

        // Timestamps (TimeProvider) of the last answer's reset time and of the end of a refusal.
        public long ResetAt;
        public long RefusedUntil;
        public bool Refilling;

        public void Restart(RateLimitPolicy policy)
        {
            Policy = policy;
            Tokens = 0;
            LeaseTakenAt = 0;
            LeaseGranted = 0;
            LeaseRemaining = 0;
            ResetAt = 0;
            RefusedUntil = 0;
        }

        /// <summary>The size of the next lease: the last one's rate of use over <see cref="LeaseTarget"/>, growing at most twofold.</summary>
        public long NextLease(long now, TimeProvider time)
        {
            if (LeaseGranted == 0)
            {
                return 1;
            }

            var used = LeaseGranted - Tokens;
            var seconds = Math.Max(time.GetElapsedTime(LeaseTakenAt, now).TotalSeconds, 1e-4);
            var byRate = (long)Math.Ceiling(used / seconds * LeaseTarget.TotalSeconds);
            return Math.Clamp(byRate, 1, Math.Min(MaxLease, (2 * LeaseGranted) + 1));
        }

        public void Record(SharedGrant grant, bool refill, long now, TimeProvider time)
        {
            ResetAt = now + Ticks(grant.ResetAfter, time);
            if (grant.Granted <= 0)
            {
                RefusedUntil = now + Ticks(grant.RetryAfter, time);
                Tokens = 0;
                return;
            }

            RefusedUntil = 0;
            if (refill)
            {
                // The caller uses one; the rest is the new lease.
                Tokens = grant.Granted - 1;
                LeaseGranted = grant.Granted;
                LeaseTakenAt = now;
                LeaseRemaining = grant.Remaining;
            }
        }
    }
}
