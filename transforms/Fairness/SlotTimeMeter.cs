namespace Gateway.Transforms.Fairness;

/// <summary>
/// One tenant's recent use of one cluster: the slot-seconds its requests held (finished ones, plus the time so far of
/// those still in flight, so a long stream counts while it lasts) and the requests it offered, both decaying
/// exponentially with a time constant of <see cref="Window"/>. The auto-throttle judges a tenant by its share of the
/// held time, not by how many requests it sent.
/// </summary>
/// <remarks>Not thread-safe; used under the owning queue's lock. Time is in <see cref="TimeProvider"/> timestamps.</remarks>
internal sealed class SlotTimeMeter
{
    /// <summary>Time constant of the decay: a slot-second counts half after about seven seconds.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly double _frequency;
    private double _held;
    private double _offered;
    private long _decayedAt;
    private int _inFlight;
    private double _inFlightStartSum;
    private long _firstOffered;

    public SlotTimeMeter(long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timestampFrequency, 1);
        _frequency = timestampFrequency;
    }

    /// <summary>A request was offered to the cluster (queued, granted or shed).</summary>
    public void Offered(long now)
    {
        Decay(now);
        _offered++;
        if (_firstOffered == 0)
        {
            _firstOffered = now;
        }
    }

    /// <summary>A request took a slot at <paramref name="now"/>.</summary>
    public void Started(long now)
    {
        _inFlight++;
        _inFlightStartSum += now / _frequency;
    }

    /// <summary>A request that took its slot at <paramref name="startedAt"/> gave it back after holding it <paramref name="held"/>.</summary>
    public void Finished(long startedAt, long now, TimeSpan held)
    {
        Decay(now);
        _inFlight--;
        _inFlightStartSum -= startedAt / _frequency;
        _held += Math.Max(0, held.TotalSeconds);
    }

    /// <summary>Recent slot-seconds: the decayed total of finished requests plus the time held so far by those in flight.</summary>
    public double HeldSeconds(long now) => (_held * DecayFactor(now)) + Math.Max(0, (_inFlight * (now / _frequency)) - _inFlightStartSum);

    /// <summary>
    /// Recent rate of offered requests per second. The decayed count of a steady rate <c>r</c> is <c>r·τ·(1 − e^(−age/τ))</c>
    /// after <c>age</c> seconds, so dividing by that term gives <c>r</c> from the first second on, not a fraction of it.
    /// </summary>
    public double OfferedRate(long now)
    {
        if (_firstOffered == 0)
        {
            return 0;
        }

        var window = Window.TotalSeconds;
        var age = Math.Max(1, (now - _firstOffered) / _frequency);
        return _offered * DecayFactor(now) / (window * (1 - Math.Exp(-age / window)));
    }

    private void Decay(long now)
    {
        var factor = DecayFactor(now);
        _held *= factor;
        _offered *= factor;
        _decayedAt = Math.Max(_decayedAt, now);
    }

    private double DecayFactor(long now) =>
        _decayedAt == 0 || now <= _decayedAt ? 1 : Math.Exp(-((now - _decayedAt) / _frequency) / Window.TotalSeconds);
}
