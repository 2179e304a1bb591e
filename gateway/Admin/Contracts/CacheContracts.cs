namespace Gateway.Admin.Contracts;

/// <summary><c>GET /admin/cache/metrics/{tenant}</c>: the tenant's cache figures, shared by every node.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Hits">Lookups answered from the cache since its counters started.</param>
/// <param name="Misses">Lookups that missed.</param>
/// <param name="HitRate">Hits over lookups (0 without lookups).</param>
/// <param name="SizeBytes">Bytes of the tenant's stored entries.</param>
/// <param name="KeyCount">Entries stored.</param>
/// <param name="QuotaBytes">The tier's cache quota.</param>
/// <param name="EffectiveQuotaBytes">The quota the store enforces: the tier's on Redis, its share of <c>Gateway:Cache:EmbeddedMaxBytes</c> on the embedded store when lower.</param>
public sealed record CacheMetricsResponse(string TenantId, long Hits, long Misses, double HitRate, long SizeBytes, long KeyCount, long QuotaBytes, long EffectiveQuotaBytes);

/// <summary><c>POST /admin/cache/invalidate</c> body.</summary>
/// <param name="TenantId">The tenant whose cache is invalidated.</param>
public sealed record InvalidateRequest(string TenantId);

/// <summary><c>POST /admin/cache/invalidate</c> answer.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="DeletedKeys">Entries of the old generation, reclaimed in the background.</param>
/// <param name="Message">What happened, for a person.</param>
public sealed record InvalidateResponse(string TenantId, long DeletedKeys, string Message);
