namespace Gateway.Admin.Contracts;

/// <summary><c>GET /admin/tiers/{tenant}</c>: the tier a tenant resolves to, its figures, and what this node applies now.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Tier">Its tier's name.</param>
/// <param name="Config">The tier's figures.</param>
/// <param name="EffectiveMaxQps">Requests per second admitted now: <c>max_qps</c> times the auto-throttle and burst factors.</param>
/// <param name="Hot">Using 80% or more of its limit (per node).</param>
/// <param name="Throttled">Auto-throttled for taking more than its share of a saturated upstream (per node).</param>
/// <param name="Burst">The burst grant in force, shared by every node; null when none.</param>
public sealed record TierResponse(string TenantId, string Tier, TierConfig Config, double EffectiveMaxQps, bool Hot, bool Throttled, BurstView? Burst);

/// <summary>A tier's figures, as the reference design names them.</summary>
/// <param name="TimeoutMs">Hard timeout from arrival at the gateway.</param>
/// <param name="CacheTtl">Cache TTL in seconds.</param>
/// <param name="MaxQps">Requests per second across all nodes.</param>
/// <param name="CacheQuotaGb">Cache quota in GiB.</param>
public sealed record TierConfig(long TimeoutMs, long CacheTtl, int MaxQps, double CacheQuotaGb);

/// <summary>A burst grant in force.</summary>
/// <param name="Factor">What the tenant's limit is multiplied by.</param>
/// <param name="ExpiresAt">When it ends by itself.</param>
/// <param name="GrantedAt">When it was granted.</param>
/// <param name="GrantedBy">Subject of the admin token that granted it.</param>
public sealed record BurstView(double Factor, DateTimeOffset ExpiresAt, DateTimeOffset GrantedAt, string? GrantedBy);
