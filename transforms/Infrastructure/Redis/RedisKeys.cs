using Gateway.Config.Tiers;

namespace Gateway.Transforms.Infrastructure.Redis;

/// <summary>
/// Every Redis key and channel the gateway uses, built here and nowhere else. Tenant keys carry the tenant
/// in a <c>{hash tag}</c>, so all of one tenant's keys live in one Redis Cluster slot and a script may
/// touch several of them; no key is ever shared between tenants.
/// </summary>
internal static class RedisKeys
{
    /// <summary>Pub/sub channel on which invalidations are announced to every node.</summary>
    public const string InvalidationChannel = "gateway:invalidations";

    /// <summary>Pub/sub channel on which burst grants and their ends are announced (the message is the tenant id).</summary>
    public const string BurstChannel = "gateway:bursts";

    /// <summary>Hash tag of a tenant: <c>{tenant}</c>.</summary>
    public static string Tag(string tenantId) => "{" + Checked(tenantId) + "}";

    /// <summary>A cached response: <c>cache:{tenant}:generation:sha256hex</c>.</summary>
    public static string CacheEntry(string tenantId, long generation, string sha256Hex)
    {
        ArgumentException.ThrowIfNullOrEmpty(sha256Hex);
        return string.Concat("cache:", Tag(tenantId), ":", generation.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", sha256Hex);
    }

    /// <summary>Prefix of every cache entry of a tenant, whatever the generation: <c>cache:{tenant}:</c>. Never scanned; the reclaim script appends the live generation to it to tell old entries from current ones.</summary>
    public static string CacheEntryPrefix(string tenantId) => string.Concat("cache:", Tag(tenantId), ":");

    /// <summary>The tenant's current cache generation (a counter bumped by invalidation).</summary>
    public static string CacheGeneration(string tenantId) => "cachemeta:" + Tag(tenantId) + ":generation";

    /// <summary>Sorted set of the tenant's entry keys scored by expiry (ms since epoch): the quota index.</summary>
    public static string CacheIndex(string tenantId) => "cachemeta:" + Tag(tenantId) + ":index";

    /// <summary>Hash of entry key to stored size in bytes, maintained with <see cref="CacheIndex"/>.</summary>
    public static string CacheSizes(string tenantId) => "cachemeta:" + Tag(tenantId) + ":sizes";

    /// <summary>Hash of the tenant's cache counters (bytes, hits, misses), shared by every node.</summary>
    public static string CacheStats(string tenantId) => "cachemeta:" + Tag(tenantId) + ":stats";

    /// <summary>The semantic vector record of a cached response: <c>cachevec:{tenant}:generation:sha256hex</c>, charged and expiring with the entry.</summary>
    public static string CacheVector(string tenantId, long generation, string sha256Hex)
    {
        ArgumentException.ThrowIfNullOrEmpty(sha256Hex);
        return string.Concat("cachevec:", Tag(tenantId), ":", generation.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", sha256Hex);
    }

    /// <summary>Sorted set of the entry hashes that got a vector in one generation, in the order they were stored; other nodes read it to fill their index.</summary>
    public static string CacheVectorFeed(string tenantId, long generation) =>
        string.Concat("cachevecs:", Tag(tenantId), ":", generation.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Rate limiter state of a tenant's requests: <c>ratelimit:{tenant}:requests</c>. (Releases before the exact
    /// <c>seconds:microseconds</c> format used <c>ratelimit:{tenant}</c> with one double; the new name keeps the two formats
    /// apart while nodes of both run side by side.)
    /// </summary>
    public static string RateLimit(string tenantId) => "ratelimit:" + Tag(tenantId) + ":requests";

    /// <summary>Rate limiter state of a tenant's admin write actions (invalidations): <c>ratelimit:{tenant}:admin</c>.</summary>
    public static string AdminRateLimit(string tenantId) => "ratelimit:" + Tag(tenantId) + ":admin";

    /// <summary>A tenant's temporary burst grant: <c>burst:{tenant}</c>, expiring with the grant.</summary>
    public static string BurstGrant(string tenantId) => "burst:" + Tag(tenantId);

    private static string Checked(string tenantId)
    {
        // The alphabet excludes braces and colons, so a tenant id can never forge another tenant's tag.
        if (!TenantId.IsValid(tenantId))
        {
            throw new ArgumentException($"'{tenantId}' is not a valid tenant id.", nameof(tenantId));
        }

        return tenantId;
    }
}
