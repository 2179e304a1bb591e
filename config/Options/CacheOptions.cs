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
}
