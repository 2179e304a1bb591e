using Gateway.Config.Tiers;

namespace Gateway.Transforms.Caching;

/// <summary>Lifetimes of the tenant's cache metadata keys, which must outlive every entry they account for.</summary>
internal static class CacheLifetimes
{
    /// <summary>Slack added to the longest entry lifetime.</summary>
    public static readonly TimeSpan MetadataMargin = TimeSpan.FromMinutes(5);

    /// <summary>Metadata lifetime for a write of <paramref name="entryTtl"/> by a tenant of <paramref name="tier"/>.</summary>
    public static TimeSpan ForWrite(Tier tier, TimeSpan entryTtl)
    {
        ArgumentNullException.ThrowIfNull(tier);
        return (entryTtl > tier.CacheTtl ? entryTtl : tier.CacheTtl) + MetadataMargin;
    }

    /// <summary>Metadata lifetime for an invalidation: the longest TTL of any tier, since old entries may predate a reload.</summary>
    public static TimeSpan ForInvalidation(TierTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var longest = table.Tiers.Values.Select(t => t.CacheTtl).DefaultIfEmpty(TimeSpan.Zero).Max();
        return longest + MetadataMargin;
    }

    /// <summary>Usage above which a tenant's writes are skipped: its effective quota times the write threshold.</summary>
    public static long WriteLimit(long quotaBytes, double threshold) => (long)Math.Floor(quotaBytes * threshold);
}
