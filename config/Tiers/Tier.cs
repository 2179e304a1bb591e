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
