namespace Gateway.Transforms.Caching.Stores.Embedded;

/// <summary>
/// The semantic cache's part of the embedded store: vector records are held with their entries (charged to the quota
/// and to the process-wide bound, dropped on expiry and invalidation); there is no feed, since no other node writes here.
/// </summary>
internal sealed partial class EmbeddedCacheStore
{
    /// <inheritdoc />
    public ValueTask<CacheLookupResult> PeekAsync(string tenantId, string keyHash, long generation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(tenantId, keyHash, generation));
    }

    /// <inheritdoc />
    public ValueTask<CacheVectorPage?> ReadVectorsAsync(string tenantId, long generation, long after, int max, CancellationToken cancellationToken) =>
        ValueTask.FromResult<CacheVectorPage?>(CacheVectorPage.Empty(after));
}
