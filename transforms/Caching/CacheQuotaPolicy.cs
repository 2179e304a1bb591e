using System.Runtime.CompilerServices;
using Gateway.Config.Settings;
using Gateway.Config.Tiers;
using Gateway.Transforms.Caching.Stores;

namespace Gateway.Transforms.Caching;

/// <summary>
/// A tenant's effective cache quota: its tier's <c>CacheQuota</c> on Redis; on the embedded store, its tier's share of
/// <c>Gateway:Cache:EmbeddedMaxBytes</c>, never more than the tier's own quota.
/// </summary>
/// <remarks>
/// The bound is divided among the configured tenants (plus one tenant of the default tier, when there is one) by
/// weighted water-filling on the tiers' <c>FairShareWeight</c>: a tenant whose quota is below its weighted part keeps
/// its quota, and what it leaves is divided among the others by weight. The effective quotas of the configured tenants
/// add up to at most the bound, so no tenant's writes can take the memory promised to another, and a small quota is
/// never scaled down because a large one does not fit. With the default tiers (weights 4:2:1, quotas 40:20:10 GB) and
/// the default bound of 256 MB that is about 146, 73 and 37 MB for one tenant of each tier.
/// </remarks>
internal sealed class CacheQuotaPolicy
{
    private static readonly ConditionalWeakTable<GatewaySettings, StrongBox<double>> BytesPerWeight = new();

    private readonly ITenantCacheStore _store;

    /// <summary>Creates the policy for the store in use.</summary>
    public CacheQuotaPolicy(ITenantCacheStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The quota the store enforces for a tenant of <paramref name="tier"/> under <paramref name="settings"/>.</summary>
    public long EffectiveQuota(Tier tier, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(tier);
        return _store.IsShared ? tier.CacheQuotaBytes : EmbeddedQuota(tier, settings);
    }

    /// <summary>The tier's share of the embedded store's bound (never more than the tier's own quota).</summary>
    public static long EmbeddedQuota(Tier tier, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(tier);
        ArgumentNullException.ThrowIfNull(settings);
        var perWeight = BytesPerWeight.GetValue(settings, static s => new StrongBox<double>(WaterLevel(s))).Value;
        var share = Math.Floor(perWeight * Math.Max(1, tier.FairShareWeight));
        return share >= tier.CacheQuotaBytes ? tier.CacheQuotaBytes : (long)share;
    }

    /// <summary>Bytes per unit of weight at which the tenants' capped shares fill the bound (infinite when every quota fits).</summary>
    private static double WaterLevel(GatewaySettings settings)
    {
        var table = settings.Table;
        var tenants = new List<Tier>();
        foreach (var tenantId in table.TenantIds)
        {
            if (table.TryResolve(tenantId, out var tenant))
            {
                tenants.Add(tenant.Tier);
            }
        }

        if (table.DefaultTier is { } defaultTier)
        {
            tenants.Add(defaultTier);
        }

        // Fill from the tenant whose quota per weight is smallest: each one either takes its whole quota or sets the level.
        double remaining = settings.Options.Cache.EmbeddedMaxBytes;
        double weight = tenants.Sum(t => (double)Math.Max(1, t.FairShareWeight));
        foreach (var tier in tenants.OrderBy(t => (double)t.CacheQuotaBytes / Math.Max(1, t.FairShareWeight)))
        {
            var w = Math.Max(1, tier.FairShareWeight);
            if (tier.CacheQuotaBytes > remaining / weight * w)
            {
                return remaining / weight;
            }

            remaining -= tier.CacheQuotaBytes;
            weight -= w;
        }

        return double.PositiveInfinity;
    }
}
