using Gateway.Transforms.Throttling;
using StackExchange.Redis;

namespace Gateway.Tests.Throttling;

/// <summary>
/// The shared limiter of <see cref="GcraScript"/> simulated in memory on a test clock: the same admission rule, lease
/// rule and reply, and a count of calls, so tests can see which decisions needed a round trip.
/// </summary>
internal sealed class SimulatedGcra(TimeProvider time) : ISharedLimiter
{
    private readonly Dictionary<RedisKey, double> _tat = [];

    // Microseconds are counted from here: a double of microseconds since year 1 would lose the intervals it adds.
    private readonly long _start = time.GetTimestamp();

    public bool IsConfigured => true;

    /// <summary>Calls made so far.</summary>
    public int Calls { get; private set; }

    /// <summary>Admissions granted so far (leases counted in full).</summary>
    public long Granted { get; private set; }

    /// <summary>When true, every call fails as an unreachable Redis would (null).</summary>
    public bool Down { get; set; }

    public ValueTask<SharedGrant?> TryTakeAsync(RedisKey key, RateLimitPolicy policy, long want, TimeSpan budget, CancellationToken cancellationToken)
    {
        Calls++;
        if (Down)
        {
            return new((SharedGrant?)null);
        }

        var now = (time.GetTimestamp() - _start) / (double)time.TimestampFrequency * 1e6;
        var interval = 1e6 / policy.Rate;
        var capacity = interval * policy.Burst;
        var ahead = Math.Max(0, _tat.GetValueOrDefault(key, now) - now);
        var available = (long)Math.Floor(((capacity - ahead) / interval) + 1e-9);
        if (available < 1)
        {
            return new(new SharedGrant(0, 0, TimeSpan.FromMicroseconds(Math.Ceiling(ahead + interval - capacity)), TimeSpan.FromMicroseconds(Math.Ceiling(ahead))));
        }

        var granted = want > 1 ? Math.Min(want, Math.Max(1, (long)Math.Floor(available * SharedRateLimiter.LeaseFraction))) : 1;
        ahead += interval * granted;
        _tat[key] = now + ahead;
        Granted += granted;
        return new(new SharedGrant(granted, available - granted, TimeSpan.Zero, TimeSpan.FromMicroseconds(Math.Ceiling(ahead))));
    }
}
