namespace Gateway.Transforms.Caching;

/// <summary>Whether a response may be stored and for how long the upstream allows it.</summary>
/// <param name="Cacheable">True when every rule passed.</param>
/// <param name="SkipReason">Metric reason when not cacheable: <c>not_cacheable</c> or <c>too_large</c>.</param>
/// <param name="Detail">Which rule failed, for logs and tests.</param>
/// <param name="UpstreamMaxAge"><c>s-maxage</c>, else <c>max-age</c>, when the upstream sent one.</param>
internal readonly record struct CacheDecision(bool Cacheable, string? SkipReason, string? Detail, TimeSpan? UpstreamMaxAge)
{
    /// <summary>Metric reason for a response the rules exclude.</summary>
    public const string NotCacheable = "not_cacheable";

    /// <summary>Metric reason for a body over <c>Gateway:Cache:MaxEntryBytes</c>.</summary>
    public const string TooLarge = "too_large";

    internal static CacheDecision No(string detail) => new(false, NotCacheable, detail, null);
}
