namespace Gateway.Transforms.Throttling;

/// <summary>Which limiter decided an admission.</summary>
internal enum RateLimitSource
{
    /// <summary>The shared GCRA in Redis: the count every node sees.</summary>
    Shared,

    /// <summary>This node's local limiter because Redis failed or its circuit is open (counted as a fallback).</summary>
    Fallback,

    /// <summary>This node's local limiter because no Redis is configured (single-node embedded mode).</summary>
    Embedded,
}
