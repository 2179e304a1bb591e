using System.Collections.Frozen;
using Gateway.Config.Formats;
using Gateway.Config.Options;
using Gateway.Config.Tiers;
using Gateway.Config.Validation;

namespace Gateway.Config.Settings;

/// <summary>Turns validated <see cref="GatewayOptions"/> into an immutable <see cref="GatewaySettings"/> snapshot.</summary>
public static class GatewaySettingsBuilder
{
    /// <summary>Validates with <see cref="GatewayOptionsValidator"/> and builds a snapshot, or returns false with the errors.</summary>
    public static bool TryBuild(GatewayOptions options, long version, out GatewaySettings? settings, out IReadOnlyList<string> errors)
    {
        errors = GatewayOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            settings = null;
            return false;
        }

        var tiers = options.Tiers.ToDictionary(kv => kv.Key, kv => ToTier(kv.Key, kv.Value), StringComparer.Ordinal);
        var tenants = options.Tenants.ToDictionary(kv => kv.Key, kv => tiers[kv.Value.Tier], StringComparer.Ordinal);
        var defaultTier = string.IsNullOrEmpty(options.DefaultTier) ? null : tiers[options.DefaultTier];
        var audited = options.Tenants.Where(kv => kv.Value.AuditCacheAccess).Select(kv => kv.Key);
        settings = new GatewaySettings(options, new TierTable(tiers, tenants, defaultTier), version, audited.ToFrozenSet(StringComparer.Ordinal));
        return true;
    }

    private static Tier ToTier(string name, TierOptions o)
    {
        ByteSize.TryParse(o.CacheQuota, out var quota);
        var burst = o.Burst ?? Math.Max(1, o.MaxQps / 10);
        return new Tier(
            name,
            TimeSpan.FromMilliseconds(o.TimeoutMs),
            TimeSpan.FromSeconds(o.CacheTtlSeconds),
            o.MaxQps,
            burst,
            quota,
            o.FairShareWeight ?? 1,
            o.MaxConcurrency,
            o.MaxStreamSeconds)
        {
            MaxBurstFactor = o.MaxBurstFactor ?? TierOptions.DefaultMaxBurstFactor,
        };
    }
}
