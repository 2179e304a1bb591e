namespace Gateway.Transforms.Caching.Stores;

/// <summary>The semantic part of a write: the entry's vector record and the bound of the generation's vector feed.</summary>
/// <param name="Record">Opaque vector record; empty when the request could not be embedded (any earlier record of the entry is then deleted).</param>
/// <param name="FeedLength">Most entry hashes the feed keeps; older ones are trimmed (each node keeps at most as many vectors per tenant).</param>
internal sealed record CacheVectorWrite(ReadOnlyMemory<byte> Record, int FeedLength);
