namespace Gateway.Transforms.Infrastructure.Redis;

/// <summary>
/// How long a request waits for a Redis call: its budget, unless the gateway itself was stalled. When the budget expires
/// but its own timer fired late (the elapsed time is well past the budget: the process's threads were starved, on a
/// saturated machine or during a GC pause), the reply is probably already waiting to be read, and the call gets one more
/// budget. A Redis that is slow while the gateway runs normally still times out on the budget.
/// </summary>
internal static class RedisBudget
{
    /// <summary>Elapsed time, as a multiple of the budget, from which an expiry is put down to the gateway's own stall.</summary>
    public const double StallFactor = 1.5;

    /// <summary>Waits for <paramref name="call"/> within <paramref name="budget"/> (see the class remarks).</summary>
    /// <exception cref="TimeoutException">The call did not answer in time.</exception>
    public static async Task<T> WaitAsync<T>(Task<T> call, TimeSpan budget, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        try
        {
            return await call.WaitAsync(budget, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (call.IsCompletedSuccessfully)
        {
            // The reply and the timer were both held up; the reply won after all.
            return await call.ConfigureAwait(false);
        }
        catch (TimeoutException) when (time.GetElapsedTime(started) > budget * StallFactor)
        {
            return await call.WaitAsync(budget, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
