namespace Gateway.Transforms.Caching.Semantic.Embeddings;

/// <summary>Why a query was not embedded; <see cref="None"/> when it was.</summary>
internal enum EmbeddingSkipReason
{
    /// <summary>Embedded.</summary>
    None,

    /// <summary>The embedded model is still loading (it loads in the background when a route first needs it).</summary>
    NotReady,

    /// <summary>Empty or whitespace-only text.</summary>
    EmptyText,

    /// <summary>Longer than <c>MaxQueryChars</c>.</summary>
    TooLong,

    /// <summary>Less than a millisecond left of the budget or deadline before starting.</summary>
    NoTimeLeft,

    /// <summary>The provider did not answer within the budget.</summary>
    BudgetExceeded,

    /// <summary>The circuit is open after repeated failures.</summary>
    CircuitOpen,

    /// <summary>The provider threw or answered with something unusable.</summary>
    ProviderFailed,

    /// <summary>The caller's token was cancelled (client gone); not the provider's fault.</summary>
    Cancelled,
}
