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

    /// <summary>The result of reading <paramref name="value"/> (null: nothing stored) as <paramref name="tenantId"/>'s entry; an unreadable value is a miss.</summary>
    public static CacheLookupResult FromValue(byte[]? value, string tenantId, long generation) =>
        value is null
            ? new(CacheLookupStatus.Miss, generation, null)
            : CacheEntrySerializer.TryRead(value, tenantId, out var entry) switch
            {
                CacheEntryReadStatus.Ok => new(CacheLookupStatus.Hit, generation, entry),
                CacheEntryReadStatus.TenantMismatch => new(CacheLookupStatus.TenantMismatch, generation, null),
                _ => new(CacheLookupStatus.Miss, generation, null),
            };
}
