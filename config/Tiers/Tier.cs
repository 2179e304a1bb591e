namespace Gateway.Config.Tiers;

/// <summary>A validated tier: the numbers every request-path stage enforces.</summary>
/// <param name="Name">Tier name.</param>
/// <param name="Timeout">Hard timeout from arrival.</param>
/// <param name="CacheTtl">Lifetime of cached answers.</param>
/// <param name="MaxQps">Admitted requests per second, across nodes.</param>
/// <param name="Burst">Requests admitted at once above the rate.</param>
/// <param name="CacheQuotaBytes">Cache bytes per tenant.</param>
/// <param name="FairShareWeight">Weight in the fair upstream queue.</param>
/// <param name="MaxConcurrency">Hard cap on a tenant's in-flight requests per cluster and node; null: only the weighted share.</param>
/// <param name="MaxStreamSeconds">Longest life of a streamed answer.</param>
public sealed record Tier(
    string Name,
    TimeSpan Timeout,
    TimeSpan CacheTtl,
    int MaxQps,
    int Burst,
    long CacheQuotaBytes,
    int FairShareWeight,
    int? MaxConcurrency = null,
    int MaxStreamSeconds = Options.TierOptions.DefaultMaxStreamSeconds)
{
    /// <summary>Largest factor a burst grant may multiply this tier's limit by (<c>Gateway:Tiers:{name}:MaxBurstFactor</c>).</summary>
    public double MaxBurstFactor { get; init; } = Options.TierOptions.DefaultMaxBurstFactor;
}
