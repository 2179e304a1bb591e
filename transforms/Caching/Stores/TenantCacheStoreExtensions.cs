namespace Gateway.Transforms.Caching.Stores;

/// <summary>Lookups that count themselves: <see cref="ITenantCacheStore.LookupAsync"/> followed by <see cref="ITenantCacheStore.RecordLookup"/>.</summary>
internal static class TenantCacheStoreExtensions
{
    /// <summary>Reads an entry of the tenant's current generation and counts the lookup as a hit or a miss (not when unavailable).</summary>
    public static async ValueTask<CacheLookupResult> GetAsync(this ITenantCacheStore store, string tenantId, string keyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var result = await store.LookupAsync(tenantId, keyHash, cancellationToken).ConfigureAwait(false);
        store.Count(tenantId, result);
        return result;
    }

    /// <summary>Counts <paramref name="lookup"/>: a hit as a hit, anything else the store answered as a miss.</summary>
    public static void Count(this ITenantCacheStore store, string tenantId, CacheLookupResult lookup)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (lookup.Status != CacheLookupStatus.Unavailable)
        {
            store.RecordLookup(tenantId, lookup.Status == CacheLookupStatus.Hit);
        }
    }
}
