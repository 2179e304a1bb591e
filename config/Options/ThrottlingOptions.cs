namespace Gateway.Config.Options;

/// <summary>The <c>Gateway:Throttling</c> section.</summary>
public sealed class ThrottlingOptions
{
    /// <summary>Whether per-tenant rate limits are enforced.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Nodes expected to share the load; each node's fallback limit is the tier rate divided by this.</summary>
    public int ExpectedNodes { get; set; } = 1;

    /// <summary>Share of the limit at which a tenant is flagged hot.</summary>
    public double HotThreshold { get; set; } = 0.8;

    /// <summary>Sliding window over which the hot-tenant rate is measured.</summary>
    public int HotWindowSeconds { get; set; } = 10;

    /// <summary>
    /// Budget of the shared limiter's Redis call. Past it (or with the Redis circuit open) the request is decided by
    /// this node's local limit instead, so a slow Redis costs an admission at most this long.
    /// </summary>
    public int RedisBudgetMs { get; set; } = 20;
}
