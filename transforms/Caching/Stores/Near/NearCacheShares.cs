using System.Runtime.CompilerServices;
using Gateway.Config.Settings;

namespace Gateway.Transforms.Caching.Stores.Near;

/// <summary>
/// Each configured tenant's share of <c>Gateway:Cache:NearCacheBytes</c>: in proportion to its tier's cache quota
/// (platinum 40 GB, gold 20 GB, silver 10 GB by default: 4 : 2 : 1), so one tenant's entries never push out another's
/// and a bigger tier keeps more. Tenants served through a default tier are not in the table and get no share: their
/// lookups always go to Redis. Computed once per settings snapshot.
/// </summary>
internal static class NearCacheShares
{
    private static readonly ConditionalWeakTable<GatewaySettings, Dictionary<string, long>> Shares = new();

    /// <summary>The bytes <paramref name="tenantId"/> may hold under <paramref name="settings"/>; 0 when none.</summary>
    public static long Of(GatewaySettings settings, string tenantId)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Shares.GetValue(settings, Compute).GetValueOrDefault(tenantId);
    }

    private static Dictionary<string, long> Compute(GatewaySettings settings)
    {
        var total = settings.Options.Cache.NearCacheBytes;
        var quotas = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tenantId in settings.Table.TenantIds)
        {
            if (settings.Table.TryResolve(tenantId, out var tenant))
            {
                quotas[tenantId] = Math.Max(1, tenant.Tier.CacheQuotaBytes);
            }
        }

        var sum = (double)quotas.Values.Sum();
        return quotas.ToDictionary(p => p.Key, p => total <= 0 ? 0 : (long)(total * (p.Value / sum)), StringComparer.Ordinal);
    }
}
