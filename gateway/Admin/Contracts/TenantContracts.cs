namespace Gateway.Admin.Contracts;

/// <summary>
/// <c>GET /admin/tenants</c>: one row per configured tenant. Rate, p95, SLA compliance, hot and throttled are what the
/// answering <see cref="Node"/> measured; limits, cache figures and burst grants are shared by every node.
/// </summary>
/// <param name="Node">The node that answered (host name and process id): the per-node figures are its own.</param>
/// <param name="GeneratedAt">When the figures were read.</param>
/// <param name="Store"><c>redis</c> (shared by every node) or <c>embedded</c> (this node only).</param>
/// <param name="Windows">The windows the per-node figures cover.</param>
/// <param name="Tenants">One row per configured tenant, ordered by id.</param>
public sealed record TenantsResponse(string Node, DateTimeOffset GeneratedAt, string Store, WindowsView Windows, IReadOnlyList<TenantRow> Tenants);

/// <summary>The windows of the per-node figures, in seconds.</summary>
/// <param name="RateSeconds">Window of <c>rate_qps</c> and <c>refused_qps</c>.</param>
/// <param name="LatencySeconds">Window of <c>p95_ms</c>.</param>
/// <param name="SlaSeconds">Window of <c>sla_compliance</c>.</param>
public sealed record WindowsView(double RateSeconds, double LatencySeconds, double SlaSeconds);

/// <summary>One tenant in <c>GET /admin/tenants</c>.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="MaxQps">The tier's limit.</param>
/// <param name="EffectiveMaxQps">The limit applied now (auto-throttle and burst factors).</param>
/// <param name="Burst">The burst grant in force; null when none.</param>
/// <param name="RateQps">Requests per second this node saw, over <c>windows.rate_seconds</c>.</param>
/// <param name="RefusedQps">Of those, refused for load (429, shed) per second.</param>
/// <param name="Hot">Using 80% or more of its limit (this node).</param>
/// <param name="Throttled">Auto-throttled (this node).</param>
/// <param name="Utilization">Offered rate over its limit, as the hot flag measures it (this node).</param>
/// <param name="Hits">Cache hits (shared); null while the store is unavailable.</param>
/// <param name="Misses">Cache misses (shared); null while the store is unavailable.</param>
/// <param name="HitRate">Hits over lookups (shared); null before the first lookup and while the store is unavailable.</param>
/// <param name="CacheSizeBytes">Bytes stored (shared); null while the store is unavailable.</param>
/// <param name="CacheKeyCount">Entries stored (shared); null while the store is unavailable.</param>
/// <param name="CacheQuotaBytes">The tier's cache quota.</param>
/// <param name="CacheEffectiveQuotaBytes">The quota the store enforces: the tier's on Redis; on the embedded store its share of <c>Gateway:Cache:EmbeddedMaxBytes</c> when lower.</param>
/// <param name="P95Ms">95th percentile latency of served requests over <c>windows.latency_seconds</c> (this node); null without any.</param>
/// <param name="TimeoutMs">The tier's hard timeout: its SLA.</param>
/// <param name="SlaCompliance">Share of served requests within the timeout over <c>windows.sla_seconds</c> (this node); null without any.</param>
/// <param name="SlaRequests">Served requests counted in <c>sla_compliance</c>.</param>
public sealed record TenantRow(
    string TenantId,
    string Tier,
    int MaxQps,
    double EffectiveMaxQps,
    BurstView? Burst,
    double RateQps,
    double RefusedQps,
    bool Hot,
    bool Throttled,
    double Utilization,
    long? Hits,
    long? Misses,
    double? HitRate,
    long? CacheSizeBytes,
    long? CacheKeyCount,
    long CacheQuotaBytes,
    long CacheEffectiveQuotaBytes,
    double? P95Ms,
    long TimeoutMs,
    double? SlaCompliance,
    long SlaRequests);

/// <summary><c>GET /admin/tenants/{tenant}/history</c>: the last ten minutes of one tenant on the answering node.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="Node">The node the figures are from.</param>
/// <param name="ResolutionSeconds">Length of each point's interval.</param>
/// <param name="MaxQps">The tier's limit (a line on the rate chart).</param>
/// <param name="EffectiveMaxQps">The limit applied now (a second line when it differs).</param>
/// <param name="TimeoutMs">The tier's hard timeout (a line on the p95 chart).</param>
/// <param name="HitRateTarget">The hit-rate objective (a line on the hit-rate chart).</param>
/// <param name="Points">One point per interval, oldest first; the last one is the interval in progress.</param>
public sealed record TenantHistoryResponse(
    string TenantId,
    string Tier,
    string Node,
    double ResolutionSeconds,
    int MaxQps,
    double EffectiveMaxQps,
    long TimeoutMs,
    double HitRateTarget,
    IReadOnlyList<HistoryPoint> Points);

/// <summary>One interval of a tenant's history.</summary>
/// <param name="Time">Start of the interval.</param>
/// <param name="Requests">Requests that finished in it.</param>
/// <param name="RateQps">Requests per second.</param>
/// <param name="RefusedQps">Refusals (429, shed) per second.</param>
/// <param name="P95Ms">95th percentile latency of served requests; null without any.</param>
/// <param name="HitRate">Cache hits over lookups on this node; null without lookups.</param>
/// <param name="SlaCompliance">Served requests within the timeout; null without any.</param>
public sealed record HistoryPoint(DateTimeOffset Time, long Requests, double RateQps, double RefusedQps, double? P95Ms, double? HitRate, double? SlaCompliance);
