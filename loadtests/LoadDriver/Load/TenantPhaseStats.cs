using HdrHistogram;

namespace LoadDriver.Load;

/// <summary>Everything recorded for one tenant in one phase (or merged over several). Thread-safe.</summary>
internal sealed class TenantPhaseStats
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _shedReasons = new(StringComparer.Ordinal);

    public TenantPhaseStats(string tenantId, string phase, int timeoutMs)
    {
        TenantId = tenantId;
        Phase = phase;
        TimeoutMs = timeoutMs;
    }

    public string TenantId { get; }

    public string Phase { get; }

    public int TimeoutMs { get; }

    /// <summary>Latency from the intended send time to the end of the response body, any status, in microseconds.</summary>
    public LongHistogram Latency { get; } = LatencyHistogram.Create();

    public long Requests { get; private set; }

    public long Ok { get; private set; }

    public long Hits { get; private set; }

    /// <summary>Hits the semantic cache served (included in <see cref="Hits"/>).</summary>
    public long SemanticHits { get; private set; }

    public long Misses { get; private set; }

    public long Bypass { get; private set; }

    public long Throttled { get; private set; }

    public long LimitHeadersOk { get; private set; }

    /// <summary>429s whose problem body gives the reason <c>auto_throttle</c> (the fair queue halved the tenant's limit).</summary>
    public long AutoThrottled { get; private set; }

    public long Shed { get; private set; }

    /// <summary>503s by the problem body's <c>reason</c> (<c>deadline</c>, <c>queue_full</c>, ...; <c>?</c> when it gave none).</summary>
    public IReadOnlyDictionary<string, long> ShedReasons
    {
        get
        {
            lock (_gate)
            {
                return new SortedDictionary<string, long>(_shedReasons, StringComparer.Ordinal);
            }
        }
    }

    public long TimedOut { get; private set; }

    public long OtherStatus { get; private set; }

    public long TransportErrors { get; private set; }

    public long Overflow { get; private set; }

    public long Mismatch { get; private set; }

    public long MissingTenantId { get; private set; }

    /// <summary>200 answers within the tier's hard timeout.</summary>
    public long WithinSla { get; private set; }

    /// <summary>Answers carrying <c>X-Cache</c>, the denominator of the hit rate.</summary>
    public long CacheAnswers => Hits + Misses + Bypass;

    public long Errors => Requests - Ok;

    public double ErrorRate => Requests == 0 ? double.NaN : (double)Errors / Requests;

    public double HitRate => CacheAnswers == 0 ? double.NaN : (double)Hits / CacheAnswers;

    public double SlaCompliance => Requests - Overflow == 0 ? double.NaN : (double)WithinSla / (Requests - Overflow);

    public double P(double percentile) => LatencyHistogram.Millis(Latency, percentile);

    public void Record(in QueryOutcome outcome, long latencyMicros)
    {
        lock (_gate)
        {
            Requests++;
            switch (outcome.Kind)
            {
                case OutcomeKind.Ok:
                    Ok++;
                    switch (outcome.Cache)
                    {
                        case "HIT":
                            Hits++;
                            SemanticHits += outcome.SemanticMatch ? 1 : 0;
                            break;
                        case "MISS": Misses++; break;
                        case null or "": break;
                        default: Bypass++; break;
                    }

                    if (outcome.AnsweredTenant is null)
                    {
                        MissingTenantId++;
                    }
                    else if (!string.Equals(outcome.AnsweredTenant, TenantId, StringComparison.Ordinal))
                    {
                        Mismatch++;
                    }

                    if (outcome.Status == 200 && latencyMicros <= TimeoutMs * 1000L)
                    {
                        WithinSla++;
                    }

                    break;
                case OutcomeKind.Throttled:
                    Throttled++;
                    if (outcome.LimitHeadersOk)
                    {
                        LimitHeadersOk++;
                    }

                    if (outcome.Reason == "auto_throttle")
                    {
                        AutoThrottled++;
                    }

                    break;
                case OutcomeKind.Shed:
                    Shed++;
                    var reason = outcome.Reason ?? "?";
                    _shedReasons[reason] = _shedReasons.GetValueOrDefault(reason) + 1;
                    break;
                case OutcomeKind.TimedOut: TimedOut++; break;
                case OutcomeKind.OtherStatus: OtherStatus++; break;
                case OutcomeKind.TransportError: TransportErrors++; break;
                case OutcomeKind.Overflow: Overflow++; break;
            }

            if (outcome.Kind is not (OutcomeKind.Overflow or OutcomeKind.TransportError))
            {
                LatencyHistogram.Record(Latency, latencyMicros);
            }
        }
    }

    /// <summary>Adds <paramref name="other"/> into this instance (used to merge phases or tenants).</summary>
    public void Add(TenantPhaseStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        lock (_gate)
        {
            Latency.Add(other.Latency);
            Requests += other.Requests;
            Ok += other.Ok;
            Hits += other.Hits;
            SemanticHits += other.SemanticHits;
            Misses += other.Misses;
            Bypass += other.Bypass;
            Throttled += other.Throttled;
            LimitHeadersOk += other.LimitHeadersOk;
            AutoThrottled += other.AutoThrottled;
            Shed += other.Shed;
            foreach (var (reason, count) in other.ShedReasons)
            {
                _shedReasons[reason] = _shedReasons.GetValueOrDefault(reason) + count;
            }

            TimedOut += other.TimedOut;
            OtherStatus += other.OtherStatus;
            TransportErrors += other.TransportErrors;
            Overflow += other.Overflow;
            Mismatch += other.Mismatch;
            MissingTenantId += other.MissingTenantId;
            WithinSla += other.WithinSla;
        }
    }
}
