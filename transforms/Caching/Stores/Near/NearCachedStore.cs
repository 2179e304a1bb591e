using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Transforms.Caching.Stores.Redis;

namespace Gateway.Transforms.Caching.Stores.Near;

/// <summary>
/// The Redis store with this node's <see cref="NearCache"/> in front of it. A lookup first resolves the tenant's
/// generation (this node's copy, trusted for at most a second and dropped when another node announces an invalidation),
/// then looks in the near-cache under that generation: a hit there costs no round trip. Otherwise it reads Redis and
/// keeps what it found. Entries are kept only once read back (a second request for them), not when stored, so a stream of
/// one-off answers does not churn the near-cache. Writes, quota accounting, invalidation, usage and the shared counters
/// are the Redis store's, so accounting stays exact in Redis and every node's lookups are counted.
/// </summary>
/// <remarks>
/// An entry is served from memory at most until its Redis expiry, and never after the tenant's generation moved on as
/// far as this node knows: so an invalidation on any node is seen within <see cref="RedisGenerationCache.MaxAge"/>.
/// Each tenant's partition is bounded by its share (<see cref="NearCacheShares"/>).
/// </remarks>
internal sealed class NearCachedStore : ITenantCacheStore, IAsyncDisposable
{
    private readonly RedisCacheStore _inner;
    private readonly NearCache _near;
    private readonly IGatewaySettings _settings;
    private readonly CacheMetrics _metrics;

    /// <summary>Creates the store over <paramref name="inner"/>.</summary>
    public NearCachedStore(RedisCacheStore inner, IGatewaySettings settings, CacheMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        _inner = inner;
        _near = new NearCache(time);
        _settings = settings;
        _metrics = metrics;
        metrics.ObserveNearCache(_near.Usage);
        settings.Changed += OnSettingsChanged;
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public bool IsShared => _inner.IsShared;

    /// <inheritdoc />
    public bool IsAvailable => _inner.IsAvailable;

    /// <summary>The near-cache (for tests).</summary>
    internal NearCache Near => _near;

    /// <inheritdoc />
    public void Start() => _inner.Start();

    /// <inheritdoc />
    public async ValueTask<CacheLookupResult> LookupAsync(string tenantId, string keyHash, CancellationToken cancellationToken)
    {
        var generation = await _inner.GetGenerationAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return await Lookup(tenantId, keyHash, generation, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<long?> GetGenerationAsync(string tenantId, CancellationToken cancellationToken) => _inner.GetGenerationAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public void RecordLookup(string tenantId, bool hit) => _inner.RecordLookup(tenantId, hit);

    /// <inheritdoc />
    public ValueTask<CacheWriteResult> SetAsync(CacheWriteRequest write, CancellationToken cancellationToken) => _inner.SetAsync(write, cancellationToken);

    /// <inheritdoc />
    public ValueTask<CacheInvalidationResult?> InvalidateAsync(string tenantId, TimeSpan metadataTtl, CancellationToken cancellationToken)
    {
        _near.Forget(tenantId);
        return _inner.InvalidateAsync(tenantId, metadataTtl, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> ReclaimAsync(string tenantId, CancellationToken cancellationToken) => _inner.ReclaimAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<CacheUsageSnapshot?> GetUsageAsync(string tenantId, CancellationToken cancellationToken) => _inner.GetUsageAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The semantic cache's read of a matched entry takes the lookup's path (near-cache, then Redis, kept once read back),
    /// and only while <paramref name="generation"/> is still the tenant's current one as far as this node knows: a match
    /// found just before an invalidation is not served after it.
    /// </remarks>
    public async ValueTask<CacheLookupResult> PeekAsync(string tenantId, string keyHash, long generation, CancellationToken cancellationToken)
    {
        var current = await _inner.GetGenerationAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (current is { } known && known != generation)
        {
            return new CacheLookupResult(CacheLookupStatus.Miss, known, null);
        }

        return await Lookup(tenantId, keyHash, current, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<CacheVectorPage?> ReadVectorsAsync(string tenantId, long generation, long after, int max, CancellationToken cancellationToken) =>
        _inner.ReadVectorsAsync(tenantId, generation, after, max, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _settings.Changed -= OnSettingsChanged;
        return _inner.DisposeAsync();
    }

    private ValueTask<CacheLookupResult> Lookup(string tenantId, string keyHash, long? generation, CancellationToken cancellationToken)
    {
        // While Redis is known to be down (or its circuit open) the cache is bypassed as a whole, near-cache included,
        // as /readyz says; within the generation's second of trust serving from memory would be safe, but not what
        // operators are told.
        if (generation is not { } current || !_inner.IsAvailable)
        {
            return new ValueTask<CacheLookupResult>(CacheLookupResult.Unavailable);
        }

        if (_near.TryGet(tenantId, current, keyHash, out var entry))
        {
            _metrics.NearHit(tenantId);
            return new ValueTask<CacheLookupResult>(new CacheLookupResult(CacheLookupStatus.Hit, current, entry));
        }

        return ReadAsync(tenantId, keyHash, current, cancellationToken);
    }

    private async ValueTask<CacheLookupResult> ReadAsync(string tenantId, string keyHash, long generation, CancellationToken cancellationToken)
    {
        var read = await _inner.LookupAsync(tenantId, generation, keyHash, cancellationToken).ConfigureAwait(false);
        if (read.Status == CacheLookupStatus.Hit && NearCacheShares.Of(_settings.Current, tenantId) is > 0 and var share)
        {
            _near.Put(tenantId, generation, keyHash, read.Entry!, share);
        }

        return read;
    }

    private void OnSettingsChanged(GatewaySettings settings) => _near.Retain(tenantId => NearCacheShares.Of(settings, tenantId));
}
