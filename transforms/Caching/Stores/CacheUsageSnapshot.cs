namespace Gateway.Transforms.Caching.Stores;

/// <summary>A tenant's cache figures, shared by every node.</summary>
public sealed record CacheUsageSnapshot(long Hits, long Misses, long SizeBytes, long KeyCount)
{
    /// <summary>Hits over lookups; 0 before any lookup.</summary>
    public double HitRate => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);
}
