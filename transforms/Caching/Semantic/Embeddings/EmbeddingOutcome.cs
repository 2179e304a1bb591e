namespace Gateway.Transforms.Caching.Semantic.Embeddings;

/// <summary>A unit vector, or the reason there is none. Never an exception: the request goes on either way.</summary>
internal readonly record struct EmbeddingOutcome(ReadOnlyMemory<float> Vector, EmbeddingSkipReason SkipReason, TimeSpan Elapsed)
{
    /// <summary>Whether <see cref="Vector"/> holds the embedding.</summary>
    public bool IsEmbedded => SkipReason == EmbeddingSkipReason.None;

    /// <summary>No vector, for <paramref name="reason"/>.</summary>
    public static EmbeddingOutcome Skip(EmbeddingSkipReason reason, TimeSpan elapsed = default) => new(ReadOnlyMemory<float>.Empty, reason, elapsed);
}
