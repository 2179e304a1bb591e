using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Config.Reload;

namespace Gateway.Transforms.Diagnostics;

/// <summary>
/// Every gateway instrument, created once from <see cref="IMeterFactory"/>. Tenant label values must come
/// from <c>GatewayRequest.TenantLabel</c> (configured tenants or <c>unknown</c>) so series stay bounded.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>Meter name; add it to the OpenTelemetry meter provider.</summary>
    public const string MeterName = "TenantGateway";

    /// <summary>Bucket boundaries: resolve the sub-millisecond hit path and include every tier timeout.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5, 5];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _sla;
    private readonly Counter<long> _cacheRequests;
    private readonly Counter<long> _cacheWrites;
    private readonly Counter<long> _cacheWriteSkips;
    private readonly Counter<long> _cacheTenantMismatches;
    private readonly Counter<long> _cacheInvalidations;
    private readonly Counter<long> _throttleRejections;
    private readonly Counter<long> _throttleFallbacks;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _redisFailures;
    private readonly Counter<long> _configReloads;

    private readonly ConcurrentDictionary<string, CacheUsage> _cacheUsage = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Tenant, string Tier), TenantThrottleState> _throttleState = new();
    private readonly ConcurrentDictionary<string, int> _queueDepth = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private int _circuitOpen;

    /// <summary>Creates the instruments.</summary>
    public GatewayMetrics(IMeterFactory meterFactory, IGatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(settings);
        var meter = meterFactory.Create(MeterName);

        _requests = meter.CreateCounter<long>("gateway.requests", "{request}", "Proxied requests by tenant, tier, route and outcome.");
        _duration = meter.CreateHistogram("gateway.request.duration", "s", "Time from arrival at the gateway to the end of the response.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _sla = meter.CreateCounter<long>("gateway.sla.requests", "{request}", "Requests answered within their tier budget (result=within) or not (result=over).");
        meter.CreateObservableGauge("gateway.tier.timeout", () => TierTimeouts(settings), "s", "Hard timeout of each tier.");

        _cacheRequests = meter.CreateCounter<long>("gateway.cache.requests", "{request}", "Cache lookups by result: hit, miss or bypass.");
        _cacheWrites = meter.CreateCounter<long>("gateway.cache.writes", "{entry}", "Responses stored in the cache.");
        _cacheWriteSkips = meter.CreateCounter<long>("gateway.cache.write_skips", "{entry}", "Responses not stored, by reason: quota, too_large, not_cacheable.");
        _cacheTenantMismatches = meter.CreateCounter<long>("gateway.cache.tenant_mismatches", "{entry}", "Entries read whose recorded tenant differed; must stay zero.");
        _cacheInvalidations = meter.CreateCounter<long>("gateway.cache.invalidations", "{invalidation}", "Tenant-scoped cache invalidations.");
        meter.CreateObservableGauge("gateway.cache.size", () => Usage(u => u.Bytes), "By", "Bytes a tenant holds in the cache.");
        meter.CreateObservableGauge("gateway.cache.keys", () => Usage(u => u.Keys), "{key}", "Entries a tenant holds in the cache.");
        meter.CreateObservableGauge("gateway.cache.quota", () => Usage(u => u.QuotaBytes), "By", "A tenant's cache quota.");

        _throttleRejections = meter.CreateCounter<long>("gateway.throttle.rejections", "{request}", "Requests refused by reason: rate_limit, auto_throttle, shed.");
        _throttleFallbacks = meter.CreateCounter<long>("gateway.throttle.fallbacks", "{decision}", "Admissions decided by the local fallback limiter because Redis was unavailable.");
        meter.CreateObservableGauge("gateway.throttle.effective_limit", () => Throttle(s => s.EffectiveLimit), "{request}", "Requests per second a tenant is currently admitted at.");
        meter.CreateObservableGauge("gateway.throttle.limit_utilization", () => Throttle(s => s.Utilization), "1", "Observed rate over the tenant's limit.");
        meter.CreateObservableGauge("gateway.tenant.hot", () => Throttle(s => s.Hot ? 1 : 0), "{tenant}", "1 while a tenant uses 80% or more of its limit.");
        meter.CreateObservableGauge("gateway.tenant.auto_throttled", () => Throttle(s => s.AutoThrottled ? 1 : 0), "{tenant}", "1 while a tenant's limit is lowered for taking more than its share.");

        meter.CreateObservableGauge("gateway.fairness.queue_depth", () => PerTenant(_queueDepth), "{request}", "Requests waiting for upstream capacity.");
        meter.CreateObservableGauge("gateway.upstream.in_flight", () => PerTenant(_inFlight), "{request}", "Requests in flight to the upstream.");
        _queueWait = meter.CreateHistogram("gateway.fairness.queue_wait", "s", "Time spent waiting in the fair queue.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

        _redisFailures = meter.CreateCounter<long>("gateway.redis.failures", "{operation}", "Redis operations that failed or ran out of budget.");
        meter.CreateObservableGauge("gateway.redis.circuit_open", () => Volatile.Read(ref _circuitOpen), "{circuit}", "1 while the Redis circuit breaker skips Redis.");
        _configReloads = meter.CreateCounter<long>("gateway.config.reloads", "{reload}", "Configuration reloads by result: success or failure.");

        settings.Changed += _ => _configReloads.Add(1, new KeyValuePair<string, object?>("result", "success"));
        settings.Rejected += _ => _configReloads.Add(1, new KeyValuePair<string, object?>("result", "failure"));
    }

    /// <summary>Records a finished proxied request.</summary>
    public void RequestCompleted(string tenant, string tier, string route, string outcome, double seconds, bool? withinSla)
    {
        var tags = new TagList { { "tenant", tenant }, { "tier", tier }, { "route", route }, { "outcome", outcome } };
        _requests.Add(1, tags);
        if (_duration.Enabled)
        {
            _duration.Record(seconds, new TagList { { "tenant", tenant }, { "tier", tier }, { "outcome", outcome } });
        }

        if (withinSla is { } within)
        {
            _sla.Add(1, new TagList { { "tenant", tenant }, { "tier", tier }, { "result", within ? "within" : "over" } });
        }
    }

    /// <summary>Records a cache lookup result (hit, miss, bypass).</summary>
    public void CacheLookup(string tenant, string tier, string result) =>
        _cacheRequests.Add(1, new TagList { { "tenant", tenant }, { "tier", tier }, { "result", result } });

    /// <summary>Records a stored response.</summary>
    public void CacheWritten(string tenant) => _cacheWrites.Add(1, new KeyValuePair<string, object?>("tenant", tenant));

    /// <summary>Records a response that was not stored.</summary>
    public void CacheWriteSkipped(string tenant, string reason) =>
        _cacheWriteSkips.Add(1, new TagList { { "tenant", tenant }, { "reason", reason } });

    /// <summary>Records an entry whose recorded tenant did not match the reader.</summary>
    public void CacheTenantMismatch(string tenant) => _cacheTenantMismatches.Add(1, new KeyValuePair<string, object?>("tenant", tenant));

    /// <summary>Records a tenant-scoped invalidation.</summary>
    public void CacheInvalidated(string tenant) => _cacheInvalidations.Add(1, new KeyValuePair<string, object?>("tenant", tenant));

    /// <summary>Publishes a tenant's cache usage for the gauges.</summary>
    public void SetCacheUsage(string tenant, long bytes, long keys, long quotaBytes) =>
        _cacheUsage[tenant] = new CacheUsage(bytes, keys, quotaBytes);

    /// <summary>Records a refused request.</summary>
    public void Throttled(string tenant, string tier, string reason) =>
        _throttleRejections.Add(1, new TagList { { "tenant", tenant }, { "tier", tier }, { "reason", reason } });

    /// <summary>Records an admission decided locally because Redis was unavailable.</summary>
    public void ThrottleFallback(string tenant) => _throttleFallbacks.Add(1, new KeyValuePair<string, object?>("tenant", tenant));

    /// <summary>Publishes a tenant's throttle state for the gauges.</summary>
    public void SetThrottleState(string tenant, string tier, TenantThrottleState state)
    {
        _throttleState[(tenant, tier)] = state;

        // A tenant moved to another tier by a reload must not leave its old tier's series behind.
        foreach (var key in _throttleState.Keys)
        {
            if (key.Tenant == tenant && key.Tier != tier)
            {
                _throttleState.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Forgets gauges of tenants that left the table (so removed tenants do not linger as series).</summary>
    public void RetainTenants(IReadOnlySet<string> tenants)
    {
        foreach (var key in _throttleState.Keys)
        {
            if (!tenants.Contains(key.Tenant))
            {
                _throttleState.TryRemove(key, out _);
            }
        }

        foreach (var key in _cacheUsage.Keys)
        {
            if (!tenants.Contains(key))
            {
                _cacheUsage.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Publishes a tenant's fair-queue depth.</summary>
    public void SetQueueDepth(string tenant, int depth) => _queueDepth[tenant] = depth;

    /// <summary>Publishes a tenant's upstream in-flight count.</summary>
    public void SetInFlight(string tenant, int inFlight) => _inFlight[tenant] = inFlight;

    /// <summary>Records time spent in the fair queue.</summary>
    public void QueueWaited(string tenant, double seconds) => _queueWait.Record(seconds, new KeyValuePair<string, object?>("tenant", tenant));

    /// <summary>Records a failed or timed-out Redis operation.</summary>
    public void RedisFailed(string operation) => _redisFailures.Add(1, new KeyValuePair<string, object?>("operation", operation));

    /// <summary>Publishes the circuit breaker state.</summary>
    public void SetRedisCircuitOpen(bool open) => Volatile.Write(ref _circuitOpen, open ? 1 : 0);

    private static IEnumerable<Measurement<double>> TierTimeouts(IGatewaySettings settings)
    {
        foreach (var tier in settings.Current.Table.Tiers.Values)
        {
            yield return new Measurement<double>(tier.Timeout.TotalSeconds, new KeyValuePair<string, object?>("tier", tier.Name));
        }
    }

    private IEnumerable<Measurement<long>> Usage(Func<CacheUsage, long> select)
    {
        foreach (var (tenant, usage) in _cacheUsage)
        {
            yield return new Measurement<long>(select(usage), new KeyValuePair<string, object?>("tenant", tenant));
        }
    }

    private IEnumerable<Measurement<double>> Throttle(Func<TenantThrottleState, double> select)
    {
        foreach (var ((tenant, tier), state) in _throttleState)
        {
            yield return new Measurement<double>(select(state), new TagList { { "tenant", tenant }, { "tier", tier } });
        }
    }

    private static IEnumerable<Measurement<int>> PerTenant(ConcurrentDictionary<string, int> values)
    {
        foreach (var (tenant, value) in values)
        {
            yield return new Measurement<int>(value, new KeyValuePair<string, object?>("tenant", tenant));
        }
    }

    private readonly record struct CacheUsage(long Bytes, long Keys, long QuotaBytes);
}

/// <summary>A tenant's throttling state as the gauges show it.</summary>
public readonly record struct TenantThrottleState(double EffectiveLimit, double Utilization, bool Hot, bool AutoThrottled);
