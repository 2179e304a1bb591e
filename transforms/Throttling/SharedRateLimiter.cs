using Gateway.Transforms.Infrastructure.Redis;
using StackExchange.Redis;

namespace Gateway.Transforms.Throttling;

/// <summary>Runs <see cref="GcraScript"/> through <see cref="RedisGuard"/>; null means "Redis could not decide, fall back".</summary>
internal sealed class SharedRateLimiter : ISharedLimiter
{
    /// <summary>Share of the admissions available at once that one call may take as a lease (see <see cref="GcraScript"/>).</summary>
    public const double LeaseFraction = 0.1;

    private const string Operation = "ratelimit";

    private readonly RedisGuard _guard;
    private readonly TimeProvider _time;

    /// <summary>Creates the limiter.</summary>
    public SharedRateLimiter(RedisGuard guard, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(time);
        _guard = guard;
        _time = time;
    }

    /// <inheritdoc />
    public bool IsConfigured => _guard.IsConfigured;

    /// <summary>
    /// Decides one admission against the limiter state at <paramref name="key"/> (a key from <see cref="RedisKeys"/>)
    /// within <paramref name="budget"/>. Null when Redis failed, was too slow or its circuit is open. Only the caller's
    /// cancellation throws.
    /// </summary>
    public async ValueTask<RateLimitDecision?> TryAcquireAtAsync(RedisKey key, RateLimitPolicy policy, TimeSpan budget, CancellationToken cancellationToken) =>
        await TryTakeAsync(key, policy, want: 1, budget, cancellationToken).ConfigureAwait(false) is { } grant
            ? grant.Decision(policy)
            : null;

    /// <inheritdoc />
    public async ValueTask<SharedGrant?> TryTakeAsync(RedisKey key, RateLimitPolicy policy, long want, TimeSpan budget, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[] { key };
        var args = new RedisValue[] { policy.Rate, policy.Burst, Math.Max(1, want), LeaseFraction };
        var outcome = await _guard.ExecuteAsync(
            Operation,
            key,
            db => WithinBudget(db.ScriptEvaluateAsync(GcraScript.Text, keys, args), budget, _time),
            cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded || outcome.Value is null)
        {
            return null;
        }

        return TryParse(outcome.Value, out var grant) ? grant : null;
    }

    /// <summary>Turns the script's reply into a grant; false when the reply is not the expected shape.</summary>
    internal static bool TryParse(RedisResult reply, out SharedGrant grant)
    {
        grant = default;
        if (reply.Resp2Type != ResultType.Array || reply.Length != 4)
        {
            return false;
        }

        grant = new SharedGrant(
            Granted: (long)reply[0],
            Remaining: (long)reply[1],
            RetryAfter: TimeSpan.FromMicroseconds((long)reply[2]),
            ResetAfter: TimeSpan.FromMicroseconds((long)reply[3]));
        return true;
    }

    private static async Task<RedisResult> WithinBudget(Task<RedisResult> call, TimeSpan budget, TimeProvider time)
    {
        // Tighter than the guard's general budget: an admission must not wait long for a slow Redis when the local
        // limiter can answer at once.
        try
        {
            return await RedisBudget.WaitAsync(call, budget, time, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }
}
