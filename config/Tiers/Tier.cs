namespace Gateway.Config.Tiers;

/// <summary>A validated tier: the numbers every request-path stage enforces.</summary>
public sealed record Tier(
    string Name,
    TimeSpan Timeout,
    TimeSpan CacheTtl,
    int MaxQps,
    int Burst,
    long CacheQuotaBytes,
    int FairShareWeight);

/// <summary>A tenant together with the tier it currently resolves to.</summary>
public readonly record struct TenantTier(string TenantId, Tier Tier, bool ViaDefaultTier);
