using System.Collections.Concurrent;

namespace Gateway.Transforms.Timeouts;

/// <summary>
/// A pool of cancellation sources on the gateway's <see cref="TimeProvider"/>, one rented per request and armed with
/// its deadline. A source that did not fire is reset (timer disarmed, registrations dropped) and reused, so the common
/// request allocates neither a timer nor a source; one that fired is dropped.
/// </summary>
internal sealed class DeadlineSources
{
    /// <summary>Most sources kept for reuse (beyond the requests in flight at once, the rest are collected).</summary>
    public const int MaxPooled = 1024;

    private readonly ConcurrentQueue<CancellationTokenSource> _pool = new();
    private readonly TimeProvider _time;
    private int _count;

    /// <summary>Creates an empty pool.</summary>
    public DeadlineSources(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>A source that cancels after <paramref name="delay"/>.</summary>
    public CancellationTokenSource Rent(TimeSpan delay)
    {
        if (_pool.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref _count);
        }
        else
        {
            source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        }

        source.CancelAfter(delay);
        return source;
    }

    /// <summary>Gives <paramref name="source"/> back: reused when it can be reset, disposed otherwise.</summary>
    public void Return(CancellationTokenSource source)
    {
        ArgumentNullException.ThrowIfNull(source);

        // TryReset refuses a source whose timer ever fired or that was cancelled: a reused one can never be cancelled by
        // an earlier request's deadline.
        if (source.TryReset())
        {
            if (Interlocked.Increment(ref _count) <= MaxPooled)
            {
                _pool.Enqueue(source);
                return;
            }

            Interlocked.Decrement(ref _count);
        }

        source.Dispose();
    }
}
