namespace Gateway.Transforms.Caching.Stores;

/// <summary>Result of <see cref="ITenantCacheStore.SetAsync"/>, with the tenant's usage after it.</summary>
/// <param name="Status">What happened.</param>
/// <param name="UsedBytes">The tenant's bytes after the write.</param>
/// <param name="KeyCount">The tenant's entries after the write.</param>
/// <param name="VectorStored">Whether the write's vector record was stored with the entry (false at the quota, where the entry is stored alone).</param>
internal readonly record struct CacheWriteResult(CacheWriteStatus Status, long UsedBytes, long KeyCount, bool VectorStored = false)
{
    /// <summary>The store could not answer.</summary>
    public static CacheWriteResult Unavailable => new(CacheWriteStatus.Unavailable, 0, 0);
}
