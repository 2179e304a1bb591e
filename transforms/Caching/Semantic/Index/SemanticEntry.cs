using Gateway.Transforms.Caching.Semantic.Guard;

namespace Gateway.Transforms.Caching.Semantic.Index;

/// <summary>One stored query: where its answer lives and what it asked.</summary>
/// <param name="EntryKey">The exact cache key (hash) of the stored response.</param>
/// <param name="ContextHash">Hash of the exact-key parts except the query text; only equal contexts may match.</param>
/// <param name="Generation">The tenant's cache generation the entry was stored under.</param>
/// <param name="Details">The answer-changing details of the stored query, for the guard; the text itself is not kept.</param>
/// <param name="Vector">Unit-length embedding of the stored query.</param>
internal sealed record SemanticEntry(string EntryKey, ulong ContextHash, long Generation, QueryDetails Details, ReadOnlyMemory<float> Vector);

/// <summary>A stored query close enough to the lookup, best first.</summary>
internal readonly record struct SemanticCandidate(string EntryKey, float Similarity, QueryDetails Details);

/// <summary>What <see cref="TenantVectorIndex.Add"/> did.</summary>
internal enum IndexAddResult
{
    /// <summary>Stored as a new entry.</summary>
    Added,

    /// <summary>Replaced the vector of an entry with the same key.</summary>
    Replaced,

    /// <summary>Refused: the entry's generation is older than the tenant's current one.</summary>
    StaleGeneration,

    /// <summary>Refused: one entry alone is larger than the tenant's byte bound.</summary>
    TooLarge,
}

/// <summary>Size of one tenant's index on this node.</summary>
internal readonly record struct TenantIndexStats(int Count, long Bytes, long Generation);
