namespace Gateway.Transforms.Caching.Stores;

/// <summary>
/// The tenant-scoped cache store. Every operation names one tenant and touches only that tenant's
/// entries, generation and accounting. Implementations never throw for store failures: they report
/// <see cref="CacheLookupStatus.Unavailable"/>, <see cref="CacheWriteStatus.Unavailable"/> or null, and the
/// caller bypasses the cache. Only the caller's own cancellation propagates.
/// </summary>
internal interface ITenantCacheStore
{
    /// <summary><c>redis</c> or <c>embedded</c>.</summary>
    string Name { get; }

    /// <summary>Whether every gateway node sees the same entries (Redis), rather than only this node (embedded).</summary>
    bool IsShared { get; }

    /// <summary>Whether the store is currently usable (false while Redis is down or its circuit is open).</summary>
    bool IsAvailable { get; }

    /// <summary>Starts the store's background work, once, after the Redis connection has started (Redis: listening for other nodes' invalidations).</summary>
    void Start();

    /// <summary>
    /// Reads an entry of the tenant's current generation without counting the lookup (the caller counts it with
    /// <see cref="RecordLookup"/> once it uses the answer; <see cref="TenantCacheStoreExtensions.GetAsync"/> does both).
    /// </summary>
    ValueTask<CacheLookupResult> LookupAsync(string tenantId, string keyHash, CancellationToken cancellationToken);

    /// <summary>The tenant's current generation without reading an entry (client <c>no-cache</c>); null when unavailable.</summary>
    ValueTask<long?> GetGenerationAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Counts a lookup as a hit or a miss in the tenant's shared figures (a request that skipped the lookup counts as a miss).</summary>
    void RecordLookup(string tenantId, bool hit);

    /// <summary>Stores an entry atomically with its quota accounting, unless the generation moved or the quota is reached.</summary>
    ValueTask<CacheWriteResult> SetAsync(CacheWriteRequest write, CancellationToken cancellationToken);

    /// <summary>Bumps the tenant's generation (O(1)) and starts reclaiming the old entries in the background; null when unavailable.</summary>
    ValueTask<CacheInvalidationResult?> InvalidateAsync(string tenantId, TimeSpan metadataTtl, CancellationToken cancellationToken);

    /// <summary>Reclaims entries of old generations now; returns how many were removed. Idempotent.</summary>
    Task<long> ReclaimAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Shared counters and exact usage after expired entries are dropped; null when unavailable.</summary>
    ValueTask<CacheUsageSnapshot?> GetUsageAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads an entry of <paramref name="generation"/> without counting a lookup: the semantic cache's read of the entry
    /// it matched (the stage counts the request once, as a hit when the match is served).
    /// </summary>
    ValueTask<CacheLookupResult> PeekAsync(string tenantId, string keyHash, long generation, CancellationToken cancellationToken);

    /// <summary>
    /// Vector records stored in <paramref name="generation"/> after sequence number <paramref name="after"/> (0: from the
    /// start), oldest first, for this node's semantic index; null when unavailable. A store only this node writes to
    /// returns an empty page: the stage indexes its own writes.
    /// </summary>
    ValueTask<CacheVectorPage?> ReadVectorsAsync(string tenantId, long generation, long after, int max, CancellationToken cancellationToken);
}
