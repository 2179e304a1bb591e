using Gateway.Transforms.Caching.Serialization;

namespace Gateway.Transforms.Caching.Stores;

/// <summary>Result of <see cref="ITenantCacheStore.LookupAsync"/>.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Generation">Generation the lookup used; a write for the same request must name it.</param>
/// <param name="Entry">The entry on a hit.</param>
internal readonly record struct CacheLookupResult(CacheLookupStatus Status, long Generation, CacheEntry? Entry)
{
    /// <summary>The store could not answer.</summary>
    public static CacheLookupResult Unavailable => new(CacheLookupStatus.Unavailable, -1, null);
}
