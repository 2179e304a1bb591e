using Gateway.Transforms.Caching.Semantic.Index;
using Gateway.Transforms.Caching.Semantic.Matching;
using Gateway.Transforms.Caching.Serialization;

namespace Gateway.Transforms.Caching.Semantic;

/// <summary>What the semantic step did on an exact-key miss.</summary>
/// <param name="Entry">The entry to serve on a semantic hit; null otherwise.</param>
/// <param name="Match">How it matched, on a hit.</param>
/// <param name="Pending">The query's vector record, to be stored with the entry the upstream's answer becomes if the request goes upstream after all.</param>
internal readonly record struct SemanticAttempt(CacheEntry? Entry, SemanticMatch? Match, SemanticPending? Pending)
{
    /// <summary>Nothing to serve and nothing to store (no text at the pointer, no embedding within the budget, ...).</summary>
    public static SemanticAttempt None => default;
}

/// <summary>The vector computed during a lookup that missed, kept so that the write does not embed again.</summary>
/// <param name="Record">The record the store keeps beside the entry; empty when there is none.</param>
/// <param name="Entry">The index entry this node adds once the write has stored the record.</param>
internal sealed record SemanticPending(byte[] Record, SemanticEntry? Entry)
{
    /// <summary>A write on a semantic route without a vector (not embedded in time, client <c>no-cache</c>): any record the entry had is removed with it.</summary>
    public static SemanticPending None { get; } = new([], null);
}
