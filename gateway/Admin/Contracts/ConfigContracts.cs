namespace Gateway.Admin.Contracts;

/// <summary><c>GET /admin/config</c>: the tier table in force, its version and the last reload.</summary>
/// <param name="Version">Version of the configuration in force (1 at start-up, +1 per accepted reload).</param>
/// <param name="LoadedAt">When the configuration in force was loaded.</param>
/// <param name="StartedAt">When this node started.</param>
/// <param name="LastReload">The last reload attempt since start-up; null when there was none.</param>
/// <param name="DefaultTier">Tier of tenants not listed; null: they are refused.</param>
/// <param name="Store"><c>redis</c> or <c>embedded</c>.</param>
/// <param name="Audit">Where the audit trail goes: a file path, or <c>log</c>.</param>
/// <param name="Tiers">The tier table.</param>
/// <param name="Tenants">The tenant table.</param>
public sealed record ConfigResponse(
    long Version,
    DateTimeOffset LoadedAt,
    DateTimeOffset StartedAt,
    ReloadView? LastReload,
    string? DefaultTier,
    string Store,
    string Audit,
    IReadOnlyList<TierView> Tiers,
    IReadOnlyList<TenantView> Tenants);

/// <summary>A configuration reload attempt.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Result"><c>success</c> or <c>failure</c>.</param>
/// <param name="Version">The version it produced; null when rejected.</param>
/// <param name="Errors">Why it was rejected, each naming its key; empty on success.</param>
public sealed record ReloadView(DateTimeOffset At, string Result, long? Version, IReadOnlyList<string> Errors);

/// <summary>One tier of the table in force.</summary>
/// <param name="Name">Tier name.</param>
/// <param name="TimeoutMs">Hard timeout.</param>
/// <param name="CacheTtl">Cache TTL in seconds.</param>
/// <param name="MaxQps">Requests per second across all nodes.</param>
/// <param name="Burst">Requests admitted at once above the steady rate.</param>
/// <param name="CacheQuotaBytes">Cache quota.</param>
/// <param name="FairShareWeight">Weight in the fair upstream queue.</param>
/// <param name="MaxBurstFactor">Largest burst grant factor.</param>
/// <param name="TenantCount">Configured tenants on this tier.</param>
public sealed record TierView(string Name, long TimeoutMs, long CacheTtl, int MaxQps, int Burst, long CacheQuotaBytes, int FairShareWeight, double MaxBurstFactor, int TenantCount);

/// <summary>One configured tenant.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="AuditCacheAccess">Whether its cache lookups are audited.</param>
public sealed record TenantView(string TenantId, string Tier, bool AuditCacheAccess);
