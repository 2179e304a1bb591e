namespace Gateway.Transforms.Caching.Stores;

/// <summary>Result of <see cref="ITenantCacheStore.SetAsync"/>, with the tenant's usage after it.</summary>
internal readonly record struct CacheWriteResult(CacheWriteStatus Status, long UsedBytes, long KeyCount)
{
    /// <summary>The store could not answer.</summary>
    public static CacheWriteResult Unavailable => new(CacheWriteStatus.Unavailable, 0, 0);
}
