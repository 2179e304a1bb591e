namespace Gateway.Config.Options;

/// <summary>The <c>Gateway:Cache</c> section.</summary>
public sealed class CacheOptions
{
    /// <summary>Largest response body stored (bytes).</summary>
    public int MaxEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest request body hashed into a key (bytes); larger requests bypass the cache.</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Request headers that take part in the cache key.</summary>
    public List<string> VaryHeaders { get; set; } = [];

    /// <summary>Share of the quota at which new writes are skipped.</summary>
    public double QuotaWriteThreshold { get; set; } = 0.95;

    /// <summary>
    /// Bytes the embedded in-process store holds for all tenants together (unused with Redis). Each configured tenant's
    /// quota there is its tier's share of this bound; writes past it are skipped, never evicting another tenant's entries.
    /// </summary>
    public long EmbeddedMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Bytes of this node's near-cache in front of Redis (entries served from memory, validated by the tenant's
    /// generation), shared among the configured tenants in proportion to their tiers' cache quotas. 0 turns it off;
    /// unused with the embedded store, which is in memory already.
    /// </summary>
    public long NearCacheBytes { get; set; } = 64L * 1024 * 1024;
}
