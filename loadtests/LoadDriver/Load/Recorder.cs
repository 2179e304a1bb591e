using System.Collections.Concurrent;
using HdrHistogram;

namespace LoadDriver.Load;

/// <summary>
/// Collects every outcome of a run: per tenant and phase (HdrHistogram + counts), per second of intended send time
/// for each stream group (the chart's time series), and a rolling window for the progress line.
/// </summary>
internal sealed class Recorder
{
    private readonly ConcurrentDictionary<(string Tenant, string Phase), TenantPhaseStats> _stats = new();
    private readonly ConcurrentDictionary<string, SecondSeries> _series = new(StringComparer.Ordinal);
    private readonly object _liveGate = new();
    private readonly string? _liveGroup;
    private LongHistogram _live = LatencyHistogram.Create(2);
    private long _sent;
    private long _ok;
    private long _throttled;
    private long _shed;
    private long _timedOut;
    private long _otherErrors;

    /// <param name="seconds">Length of the run, for the per-second series.</param>
    /// <param name="liveGroup">Stream group whose latency the progress line shows (the victims), or null for all.</param>
    public Recorder(int seconds, string? liveGroup)
    {
        Seconds = seconds;
        _liveGroup = liveGroup;
    }

    public int Seconds { get; }

    /// <summary>Send lag: how late the generator actually sent compared with the intended time (microseconds).</summary>
    public LongHistogram SendLag { get; } = LatencyHistogram.Create(2);

    public long Sent => Interlocked.Read(ref _sent);

    public TenantPhaseStats Stats(string tenantId, string phase, int timeoutMs) =>
        _stats.GetOrAdd((tenantId, phase), static (key, timeout) => new TenantPhaseStats(key.Tenant, key.Phase, timeout), timeoutMs);

    /// <summary>Recorded stats of one tenant and phase, or an empty instance.</summary>
    public TenantPhaseStats Get(string tenantId, string phase) =>
        _stats.TryGetValue((tenantId, phase), out var s) ? s : new TenantPhaseStats(tenantId, phase, 0);

    /// <summary>Sum over <paramref name="tenants"/> and <paramref name="phases"/> (null: all phases).</summary>
    public TenantPhaseStats Merge(IEnumerable<string> tenants, IReadOnlyCollection<string>? phases, string label)
    {
        var ids = tenants.ToHashSet(StringComparer.Ordinal);
        var merged = new TenantPhaseStats(label, phases is null ? "all" : string.Join('+', phases), 0);
        foreach (var ((tenant, phase), stats) in _stats)
        {
            if (ids.Contains(tenant) && (phases is null || phases.Contains(phase)))
            {
                merged.Add(stats);
            }
        }

        return merged;
    }

    public SecondSeries Series(string group) => _series.GetOrAdd(group, _ => new SecondSeries(Seconds));

    public void OnSent(long lagMicros)
    {
        Interlocked.Increment(ref _sent);
        lock (SendLag)
        {
            LatencyHistogram.Record(SendLag, lagMicros);
        }
    }

    public void Record(TenantPhaseStats stats, string group, int second, in QueryOutcome outcome, long latencyMicros)
    {
        stats.Record(outcome, latencyMicros);
        Series(group).Record(second, outcome, latencyMicros);
        switch (outcome.Kind)
        {
            case OutcomeKind.Ok: Interlocked.Increment(ref _ok); break;
            case OutcomeKind.Throttled: Interlocked.Increment(ref _throttled); break;
            case OutcomeKind.Shed: Interlocked.Increment(ref _shed); break;
            case OutcomeKind.TimedOut: Interlocked.Increment(ref _timedOut); break;
            default: Interlocked.Increment(ref _otherErrors); break;
        }

        if (outcome.Kind is not (OutcomeKind.Overflow or OutcomeKind.TransportError) && (_liveGroup is null || _liveGroup == group))
        {
            lock (_liveGate)
            {
                LatencyHistogram.Record(_live, latencyMicros);
            }
        }
    }

    /// <summary>Counts so far and the p95 of the live group over the responses since the previous call.</summary>
    public string ProgressLine(double elapsedSeconds)
    {
        LongHistogram window;
        lock (_liveGate)
        {
            window = _live;
            _live = LatencyHistogram.Create(2);
        }

        var p95 = LatencyHistogram.Millis(window, 95);
        return FormattableString.Invariant(
            $"t={elapsedSeconds,5:0}s sent={Sent,7} 2xx={Interlocked.Read(ref _ok),7} 429={Interlocked.Read(ref _throttled),6} 503={Interlocked.Read(ref _shed),5} 504={Interlocked.Read(ref _timedOut),5} err={Interlocked.Read(ref _otherErrors),4}  {_liveGroup ?? "all"} p95(last 1s)={(double.IsNaN(p95) ? "-" : p95.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)),7} ms");
    }
}

/// <summary>One stream group's outcomes per second of intended send time.</summary>
internal sealed class SecondSeries
{
    private readonly LongHistogram?[] _latency;
    private readonly long[,] _counts;

    public SecondSeries(int seconds)
    {
        _latency = new LongHistogram?[seconds + 1];
        _counts = new long[seconds + 1, Enum.GetValues<OutcomeKind>().Length];
    }

    public int Length => _latency.Length;

    public void Record(int second, in QueryOutcome outcome, long latencyMicros)
    {
        var s = Math.Clamp(second, 0, _latency.Length - 1);
        lock (_latency)
        {
            _counts[s, (int)outcome.Kind]++;
            if (outcome.Kind is not (OutcomeKind.Overflow or OutcomeKind.TransportError))
            {
                var h = _latency[s] ??= LatencyHistogram.Create(2);
                LatencyHistogram.Record(h, latencyMicros);
            }
        }
    }

    public double P(int second, double percentile)
    {
        lock (_latency)
        {
            return _latency[second] is { } h ? LatencyHistogram.Millis(h, percentile) : double.NaN;
        }
    }

    /// <summary>A copy of one second's latency histogram, or null when nothing was recorded.</summary>
    public LongHistogram? Histogram(int second)
    {
        lock (_latency)
        {
            return _latency[second]?.Copy() as LongHistogram;
        }
    }

    public long Count(int second, OutcomeKind kind)
    {
        lock (_latency)
        {
            return _counts[second, (int)kind];
        }
    }
}
