namespace Gateway.Transforms.Fairness;

/// <summary>
/// Exponentially weighted moving average of upstream service time, with each sample capped at twice the current
/// estimate plus 5 ms. Not thread-safe; used under the queue's lock.
/// </summary>
/// <remarks>
/// Without the cap one request that spanned a GC pause or a CPU stall (seconds) would lift the estimate so far that
/// every queued request, whatever its deadline, looks hopeless and is shed. Capped, a single outlier moves the
/// estimate by at most 20%, while a real slowdown still shows within about a dozen requests.
/// </remarks>
internal sealed class ServiceTimeEstimate
{
    /// <summary>Weight of the newest sample: recent enough to follow a slowing upstream within a few requests.</summary>
    public const double Alpha = 0.2;

    /// <summary>A sample counts as at most this multiple of the estimate (plus <see cref="CapSlackSeconds"/>).</summary>
    public const double CapRatio = 2;

    /// <summary>Slack added to the cap so a tiny estimate (fast failures) can still grow.</summary>
    public const double CapSlackSeconds = 0.005;

    private double _seconds;
    private bool _hasSample;

    public TimeSpan Estimate => _hasSample ? TimeSpan.FromSeconds(_seconds) : TimeSpan.Zero;

    public void Add(TimeSpan sample)
    {
        var seconds = Math.Max(0, sample.TotalSeconds);
        if (!_hasSample)
        {
            _seconds = seconds;
            _hasSample = true;
            return;
        }

        seconds = Math.Min(seconds, (CapRatio * _seconds) + CapSlackSeconds);
        _seconds += Alpha * (seconds - _seconds);
    }
}
