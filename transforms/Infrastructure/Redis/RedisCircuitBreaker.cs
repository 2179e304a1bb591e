namespace Gateway.Transforms.Infrastructure.Redis;

/// <summary>
/// Consecutive-failure circuit breaker: after <c>threshold</c> failures in a row Redis is skipped for the
/// cool-down, then a single probe is let through; its success closes the circuit, its failure re-opens it.
/// </summary>
internal sealed class RedisCircuitBreaker
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly int _threshold;
    private readonly TimeSpan _cooldown;
    private int _consecutiveFailures;
    private long _openUntil;
    private bool _probing;

    /// <summary>Creates a closed breaker.</summary>
    public RedisCircuitBreaker(int threshold, TimeSpan cooldown, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cooldown, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        _threshold = threshold;
        _cooldown = cooldown;
        _time = time;
    }

    /// <summary>Raised with <c>true</c> when the circuit opens and <c>false</c> when it closes again.</summary>
    public event Action<bool>? StateChanged;

    /// <summary>True while calls are being skipped.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _consecutiveFailures >= _threshold;
            }
        }
    }

    /// <summary>Whether a call may go to Redis now. While open, one probe is allowed per cool-down.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            if (_consecutiveFailures < _threshold)
            {
                return true;
            }

            if (_probing || _time.GetTimestamp() < _openUntil)
            {
                return false;
            }

            _probing = true;
            return true;
        }
    }

    /// <summary>Records a successful call.</summary>
    public void RecordSuccess()
    {
        bool closed;
        lock (_gate)
        {
            closed = _consecutiveFailures >= _threshold;
            _consecutiveFailures = 0;
            _probing = false;
        }

        if (closed)
        {
            StateChanged?.Invoke(false);
        }
    }

    /// <summary>Records a failed call.</summary>
    public void RecordFailure()
    {
        bool opened;
        lock (_gate)
        {
            var wasOpen = _consecutiveFailures >= _threshold;
            _consecutiveFailures++;
            _probing = false;
            opened = !wasOpen && _consecutiveFailures >= _threshold;
            if (_consecutiveFailures >= _threshold)
            {
                _openUntil = _time.GetTimestamp() + (long)(_cooldown.TotalSeconds * _time.TimestampFrequency);
            }
        }

        if (opened)
        {
            StateChanged?.Invoke(true);
        }
    }
}
