using System.Runtime.CompilerServices;
using Gateway.Config.Settings;
using Gateway.Config.Tiers;
using Gateway.Transforms.Caching.Stores;

namespace Gateway.Transforms.Caching;

/// <summary>
/// A tenant's effective cache quota: its tier's <c>CacheQuota</c> on Redis; on the embedded store, the lower of that and
/// its tier's share of <c>Gateway:Cache:EmbeddedMaxBytes</c>, where the share is in proportion to the tiers' quotas of
/// all configured tenants (plus one tenant of the default tier, when there is one). The shares of the configured
/// tenants add up to at most the bound, so no tenant's writes can take the memory promised to another.
/// </summary>
internal sealed class CacheQuotaPolicy
{
    private static readonly ConditionalWeakTable<GatewaySettings, StrongBox<double>> QuotaTotals = new();

    private readonly ITenantCacheStore _store;

    /// <summary>Creates the policy for the store in use.</summary>
    public CacheQuotaPolicy(ITenantCacheStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The quota the store enforces for a tenant of <paramref name="tier"/> under <paramref name="settings"/>.</summary>
    public long EffectiveQuota(Tier tier, GatewaySettings settings) =>
        _store.IsShared ? Guard(tier).CacheQuotaBytes : EmbeddedQuota(tier, settings);

    /// <summary>The tier's share of the embedded store's bound (never more than the tier's own quota).</summary>
    public static long EmbeddedQuota(Tier tier, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(tier);
        ArgumentNullException.ThrowIfNull(settings);
        var total = QuotaTotals.GetValue(settings, static s => new StrongBox<double>(SumOfQuotas(s.Table))).Value;
        var bound = settings.Options.Cache.EmbeddedMaxBytes;
        var share = total <= 0 ? bound : (long)Math.Floor(bound * (tier.CacheQuotaBytes / total));
        return Math.Min(tier.CacheQuotaBytes, share);
    }

    private static double SumOfQuotas(TierTable table)
    {
        double total = 0;
        foreach (var tenantId in table.TenantIds)
        {
            if (table.TryResolve(tenantId, out var tenant))
            {
                total += tenant.Tier.CacheQuotaBytes;
            }
        }

        return total + (table.DefaultTier?.CacheQuotaBytes ?? 0);
    }

    private static Tier Guard(Tier tier)
    {
        ArgumentNullException.ThrowIfNull(tier);
        return tier;
    }
}
