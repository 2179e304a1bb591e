using System.Diagnostics;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Bounded polling for conditions that become true asynchronously (a reload applied, a counter moved).</summary>
public static class Poll
{
    /// <summary>Default pause between probes.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Reads <paramref name="read"/> until <paramref name="done"/> holds or <paramref name="timeout"/> passes, and
    /// returns the last value read (the caller asserts on it, so a failure shows what was seen).
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed >= timeout)
            {
                return value;
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>True once <paramref name="condition"/> holds; false if <paramref name="timeout"/> passes first.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return await UntilAsync(() => Task.FromResult(condition()), static ok => ok, timeout, interval);
    }
}
