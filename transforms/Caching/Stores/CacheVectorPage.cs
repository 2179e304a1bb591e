namespace Gateway.Transforms.Caching.Stores;

/// <summary>One page of a tenant's vector feed.</summary>
/// <param name="Records">Records in the order they were stored; entries that expired since are left out.</param>
/// <param name="Last">Sequence number to pass as <c>after</c> for the next page (unchanged when the page is empty).</param>
/// <param name="More">Whether the page was full, so more may follow at once.</param>
internal sealed record CacheVectorPage(IReadOnlyList<CacheVectorRecord> Records, long Last, bool More)
{
    /// <summary>Nothing new after <paramref name="after"/>.</summary>
    public static CacheVectorPage Empty(long after) => new([], after, false);
}

/// <summary>A stored vector record and the entry it belongs to.</summary>
/// <param name="KeyHash">The entry's key hash.</param>
/// <param name="Record">The opaque record written with the entry.</param>
internal readonly record struct CacheVectorRecord(string KeyHash, byte[] Record);
