namespace Gateway.Transforms.Caching.Serialization;

/// <summary>A stored response: whose it is, what to replay and when it was stored.</summary>
/// <param name="TenantId">Tenant the entry was stored for; a reader of another tenant treats it as a miss.</param>
/// <param name="StatusCode">Response status.</param>
/// <param name="StoredAt">When the gateway stored it (the source of <c>Age</c>).</param>
/// <param name="Headers">Replayable headers, in order; a name may repeat.</param>
/// <param name="Body">The complete body.</param>
/// <param name="ExpiresAt">When the shared store drops it (stored time plus its TTL); null for entries written before
/// the envelope carried it (version 1), which a node's near-cache then does not keep.</param>
internal sealed record CacheEntry(
    string TenantId,
    int StatusCode,
    DateTimeOffset StoredAt,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte> Body,
    DateTimeOffset? ExpiresAt = null);
