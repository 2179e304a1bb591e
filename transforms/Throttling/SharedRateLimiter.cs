using System.Globalization;
using Gateway.Transforms.Infrastructure.Redis;
using StackExchange.Redis;

namespace Gateway.Transforms.Throttling;

/// <summary>Runs <see cref="GcraScript"/> through <see cref="RedisGuard"/>; null means "Redis could not decide, fall back".</summary>
internal sealed class SharedRateLimiter
{
    private const string Operation = "ratelimit";
    private static readonly RedisValue Cost = 1;

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

    /// <summary>Whether a Redis server is configured at all.</summary>
    public bool IsConfigured => _guard.IsConfigured;

    /// <summary>
    /// Decides one admission for <paramref name="tenantId"/> in Redis within <paramref name="budget"/>. Null when
    /// Redis failed, was too slow or its circuit is open. Only the caller's cancellation throws.
    /// </summary>
    public ValueTask<RateLimitDecision?> TryAcquireAsync(string tenantId, RateLimitPolicy policy, TimeSpan budget, CancellationToken cancellationToken) =>
        TryAcquireAtAsync(RedisKeys.RateLimit(tenantId), policy, budget, cancellationToken);

    /// <summary>As <see cref="TryAcquireAsync"/>, for the limiter state at <paramref name="key"/> (a key from <see cref="RedisKeys"/>).</summary>
    public async ValueTask<RateLimitDecision?> TryAcquireAtAsync(RedisKey key, RateLimitPolicy policy, TimeSpan budget, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[] { key };
        var args = new RedisValue[] { policy.Rate.ToString("R", CultureInfo.InvariantCulture), policy.Burst, Cost };
        var outcome = await _guard.ExecuteAsync(
            Operation,
            keys[0],
            db => WithinBudget(db.ScriptEvaluateAsync(GcraScript.Text, keys, args), budget, _time),
            cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded || outcome.Value is null)
        {
            return null;
        }

        return TryParse(outcome.Value, policy, out var decision) ? decision : null;
    }

    /// <summary>Turns the script's reply into a decision; false when the reply is not the expected shape.</summary>
    internal static bool TryParse(RedisResult reply, RateLimitPolicy policy, out RateLimitDecision decision)
    {
        decision = default;
        if (reply.Resp2Type != ResultType.Array || reply.Length != 4 || (long[]?)reply is not { } values)
        {
            return false;
        }

        decision = new RateLimitDecision(
            Allowed: values[0] == 1,
            Policy: policy,
            Remaining: values[1],
            RetryAfter: TimeSpan.FromMilliseconds(values[2]),
            ResetAfter: TimeSpan.FromMilliseconds(values[3]),
            Source: RateLimitSource.Shared);
        return true;
    }

    private static async Task<RedisResult> WithinBudget(Task<RedisResult> call, TimeSpan budget, TimeProvider time)
    {
        // Tighter than the guard's general budget: an admission must not wait long for a slow Redis when the local
        // limiter can answer at once.
        try
        {
            return await call.WaitAsync(budget, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }
}
