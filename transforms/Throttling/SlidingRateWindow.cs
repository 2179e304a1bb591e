namespace Gateway.Transforms.Throttling;

/// <summary>
/// Requests per second over a sliding window of <c>n</c> seconds, from a ring of one-second buckets driven by
/// <see cref="TimeProvider"/> timestamps. The oldest bucket is weighted by the part of it still inside the window
/// (the sliding-window-counter estimate), so the rate moves smoothly instead of jumping at second boundaries.
/// </summary>
internal sealed class SlidingRateWindow
{
    private readonly object _gate = new();
    private readonly long[] _seconds;
    private readonly int[] _counts;
    private readonly int _window;

    /// <summary>Creates a window of <paramref name="windowSeconds"/> seconds.</summary>
    public SlidingRateWindow(int windowSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSeconds, 1);
        _window = windowSeconds;

        // One more bucket than the window: the current, partly elapsed second.
        _seconds = new long[windowSeconds + 1];
        _counts = new int[windowSeconds + 1];
        Array.Fill(_seconds, long.MinValue);
    }

    /// <summary>Window length in seconds.</summary>
    public int WindowSeconds => _window;

    /// <summary>Counts one request at <paramref name="timestamp"/> (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    public void Record(long timestamp, long frequency)
    {
        var second = timestamp / frequency;
        var slot = (int)(second % _seconds.Length);
        lock (_gate)
        {
            if (_seconds[slot] != second)
            {
                _seconds[slot] = second;
                _counts[slot] = 0;
            }

            _counts[slot]++;
        }
    }

    /// <summary>Average requests per second over the window ending at <paramref name="timestamp"/>.</summary>
    public double Rate(long timestamp, long frequency)
    {
        var second = timestamp / frequency;
        var elapsedInSecond = (double)(timestamp % frequency) / frequency;
        double total = 0;
        lock (_gate)
        {
            for (var i = 0; i < _seconds.Length; i++)
            {
                var age = second - _seconds[i];
                if (age < 0 || age > _window)
                {
                    continue;
                }

                // Buckets aged 0..n-1 lie wholly inside the window [now - n, now]; the bucket aged n only for its tail.
                total += age == _window ? _counts[i] * (1 - elapsedInSecond) : _counts[i];
            }
        }

        return total / _window;
    }

    /// <summary>Whether anything was recorded within the window ending at <paramref name="timestamp"/>.</summary>
    public bool IsIdle(long timestamp, long frequency)
    {
        var second = timestamp / frequency;
        lock (_gate)
        {
            foreach (var recorded in _seconds)
            {
                if (recorded != long.MinValue && second - recorded <= _window)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
