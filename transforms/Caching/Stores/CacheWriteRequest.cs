namespace Gateway.Transforms.Caching.Stores;

/// <summary>A write.</summary>
/// <param name="TenantId">Owner.</param>
/// <param name="KeyHash">SHA-256 hex of the request.</param>
/// <param name="Generation">Generation seen by the lookup; a write into a newer generation is refused.</param>
/// <param name="Value">Serialized <see cref="CacheEntry"/>; its length is what the quota counts.</param>
/// <param name="Ttl">Entry lifetime.</param>
/// <param name="LimitBytes">Quota times the write threshold: usage after the write must stay at or under it.</param>
/// <param name="MetadataTtl">Lifetime given to the tenant's index, sizes, stats and generation keys (only ever extended).</param>
/// <param name="Vector">On semantic routes, the entry's vector record (stored, charged and expiring with it); null elsewhere.</param>
internal sealed record CacheWriteRequest(
    string TenantId,
    string KeyHash,
    long Generation,
    ReadOnlyMemory<byte> Value,
    TimeSpan Ttl,
    long LimitBytes,
    TimeSpan MetadataTtl,
    CacheVectorWrite? Vector = null);
