namespace Gateway.Transforms.Caching;

/// <summary>
/// The tenant-scoped cache store. Every operation names one tenant and touches only that tenant's
/// entries, generation and accounting. Implementations never throw for store failures: they report
/// <see cref="CacheLookupStatus.Unavailable"/>, <see cref="CacheWriteStatus.Unavailable"/> or null, and the
/// caller bypasses the cache. Only the caller's own cancellation propagates.
/// </summary>
public interface ITenantCacheStore
{
    /// <summary><c>redis</c> or <c>embedded</c>.</summary>
    string Name { get; }

    /// <summary>Whether the store is currently usable (false while Redis is down or its circuit is open).</summary>
    bool IsAvailable { get; }

    /// <summary>Reads an entry of the tenant's current generation and counts the lookup as a hit or a miss.</summary>
    ValueTask<CacheLookupResult> GetAsync(string tenantId, string keyHash, CancellationToken cancellationToken);

    /// <summary>The tenant's current generation without reading an entry (client <c>no-cache</c>); null when unavailable.</summary>
    ValueTask<long?> GetGenerationAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Counts a miss for a request that skipped the lookup.</summary>
    void RecordMiss(string tenantId);

    /// <summary>Stores an entry atomically with its quota accounting, unless the generation moved or the quota is reached.</summary>
    ValueTask<CacheWriteResult> SetAsync(CacheWriteRequest write, CancellationToken cancellationToken);

    /// <summary>Bumps the tenant's generation (O(1)) and starts reclaiming the old entries in the background; null when unavailable.</summary>
    ValueTask<CacheInvalidationResult?> InvalidateAsync(string tenantId, TimeSpan metadataTtl, CancellationToken cancellationToken);

    /// <summary>Reclaims entries of old generations now; returns how many were removed. Idempotent.</summary>
    Task<long> ReclaimAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Shared counters and exact usage after expired entries are dropped; null when unavailable.</summary>
    ValueTask<CacheUsageSnapshot?> GetUsageAsync(string tenantId, CancellationToken cancellationToken);
}

/// <summary>Outcome of a lookup.</summary>
public enum CacheLookupStatus
{
    /// <summary>No entry for the key in the current generation.</summary>
    Miss,

    /// <summary>An entry of the reader's tenant.</summary>
    Hit,

    /// <summary>An entry recorded for another tenant sat under the reader's key; treated as a miss.</summary>
    TenantMismatch,

    /// <summary>The store could not answer within its budget; bypass.</summary>
    Unavailable,
}

/// <summary>Result of <see cref="ITenantCacheStore.GetAsync"/>.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Generation">Generation the lookup used; a write for the same request must name it.</param>
/// <param name="Entry">The entry on a hit.</param>
public readonly record struct CacheLookupResult(CacheLookupStatus Status, long Generation, CacheEntry? Entry)
{
    /// <summary>The store could not answer.</summary>
    public static CacheLookupResult Unavailable => new(CacheLookupStatus.Unavailable, -1, null);
}

/// <summary>A write.</summary>
/// <param name="TenantId">Owner.</param>
/// <param name="KeyHash">SHA-256 hex of the request.</param>
/// <param name="Generation">Generation seen by the lookup; a write into a newer generation is refused.</param>
/// <param name="Value">Serialized <see cref="CacheEntry"/>; its length is what the quota counts.</param>
/// <param name="Ttl">Entry lifetime.</param>
/// <param name="LimitBytes">Quota times the write threshold: usage after the write must stay at or under it.</param>
/// <param name="MetadataTtl">Lifetime given to the tenant's index, sizes, stats and generation keys (only ever extended).</param>
public sealed record CacheWriteRequest(
    string TenantId,
    string KeyHash,
    long Generation,
    ReadOnlyMemory<byte> Value,
    TimeSpan Ttl,
    long LimitBytes,
    TimeSpan MetadataTtl);

/// <summary>Outcome of a write.</summary>
public enum CacheWriteStatus
{
    /// <summary>Stored and accounted.</summary>
    Stored,

    /// <summary>Skipped: the tenant is at its quota threshold. Nothing was evicted.</summary>
    SkippedQuota,

    /// <summary>Skipped: the tenant was invalidated after the lookup.</summary>
    StaleGeneration,

    /// <summary>The store could not answer; nothing is known to be stored.</summary>
    Unavailable,
}

/// <summary>Result of <see cref="ITenantCacheStore.SetAsync"/>, with the tenant's usage after it.</summary>
public readonly record struct CacheWriteResult(CacheWriteStatus Status, long UsedBytes, long KeyCount)
{
    /// <summary>The store could not answer.</summary>
    public static CacheWriteResult Unavailable => new(CacheWriteStatus.Unavailable, 0, 0);
}

/// <summary>Result of an invalidation.</summary>
/// <param name="Generation">The tenant's new generation.</param>
/// <param name="DeletedKeys">Live entries of older generations at the moment of the bump (reclaimed or about to be).</param>
public sealed record CacheInvalidationResult(long Generation, long DeletedKeys);

/// <summary>A tenant's cache figures, shared by every node.</summary>
public sealed record CacheUsageSnapshot(long Hits, long Misses, long SizeBytes, long KeyCount)
{
    /// <summary>Hits over lookups; 0 before any lookup.</summary>
    public double HitRate => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);
}
