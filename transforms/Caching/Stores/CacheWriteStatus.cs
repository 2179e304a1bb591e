namespace Gateway.Transforms.Caching.Stores;

/// <summary>Outcome of a write.</summary>
internal enum CacheWriteStatus
{
    /// <summary>Stored and accounted.</summary>
    Stored,

    /// <summary>Skipped: the tenant is at its quota threshold. Nothing was evicted.</summary>
    SkippedQuota,

    /// <summary>Skipped: the embedded store is at <c>Gateway:Cache:EmbeddedMaxBytes</c> for all tenants together. Nothing was evicted.</summary>
    SkippedStoreFull,

    /// <summary>Skipped: the tenant was invalidated after the lookup.</summary>
    StaleGeneration,

    /// <summary>The store could not answer; nothing is known to be stored.</summary>
    Unavailable,
}
