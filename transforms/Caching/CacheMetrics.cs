using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Transforms.Caching;

/// <summary>
/// The cache's series: <c>gateway.cache.requests</c>, <c>.writes</c>, <c>.write_skips</c>, <c>.tenant_mismatches</c>,
/// <c>.invalidations</c>, <c>.near_hits</c>, and the per-tenant usage gauges <c>gateway.cache.size</c>, <c>.keys</c> and
/// <c>.quota</c>, whose state <see cref="CacheUsageReporter"/> publishes, and <c>.near_size</c> (this node's near-cache). Tenants that leave the table leave the gauges on reload.
/// </summary>
internal sealed class CacheMetrics
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _writeSkips;
    private readonly Counter<long> _tenantMismatches;
    private readonly Counter<long> _invalidations;
    private readonly Counter<long> _nearHits;
    private readonly ConcurrentDictionary<string, CacheUsage> _usage = new(StringComparer.Ordinal);
    private Func<IEnumerable<KeyValuePair<string, long>>> _nearUsage = static () => [];

    /// <summary>Creates the instruments.</summary>
    public CacheMetrics(IMeterFactory meterFactory, IGatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var meter = GatewayMeter.Create(meterFactory);
        _requests = meter.CreateCounter<long>("gateway.cache.requests", "{request}", "Cache lookups by result: hit, miss or bypass.");
        _writes = meter.CreateCounter<long>("gateway.cache.writes", "{entry}", "Responses stored in the cache.");
        _writeSkips = meter.CreateCounter<long>("gateway.cache.write_skips", "{entry}", "Responses not stored, by reason: quota, too_large, not_cacheable.");
        _tenantMismatches = meter.CreateCounter<long>("gateway.cache.tenant_mismatches", "{entry}", "Entries read whose recorded tenant differed; must stay zero.");
        _invalidations = meter.CreateCounter<long>("gateway.cache.invalidations", "{invalidation}", "Tenant-scoped cache invalidations.");
        meter.CreateObservableGauge("gateway.cache.size", () => GatewayMeter.PerTenant(_usage, static u => u.Bytes), "By", "Bytes a tenant holds in the cache.");
        meter.CreateObservableGauge("gateway.cache.keys", () => GatewayMeter.PerTenant(_usage, static u => u.Keys), "{key}", "Entries a tenant holds in the cache.");
        meter.CreateObservableGauge("gateway.cache.quota", () => GatewayMeter.PerTenant(_usage, static u => u.QuotaBytes), "By", "A tenant's cache quota.");
        _nearHits = meter.CreateCounter<long>("gateway.cache.near_hits", "{request}", "Hits answered from this node's near-cache without a Redis round trip (part of gateway.cache.requests{result=hit}).");
        meter.CreateObservableGauge("gateway.cache.near_size", () => GatewayMeter.PerTenant(_nearUsage(), static bytes => bytes), "By", "Bytes of a tenant's entries held in this node's near-cache.");
        settings.Changed += RetainTenants;
    }

    /// <summary>Records a lookup's result (hit, miss, bypass).</summary>
    public void Lookup(string tenant, string tier, CacheResult result)
    {
        if (_requests.Enabled)
        {
            var tags = GatewayMeter.TenantTags(tenant, tier);
            tags.Add("result", result.Label());
            _requests.Add(1, tags);
        }
    }

    /// <summary>Records a stored response.</summary>
    public void Written(string tenant) => AddForTenant(_writes, tenant);

    /// <summary>Records a response that was not stored.</summary>
    public void WriteSkipped(string tenant, string reason)
    {
        if (_writeSkips.Enabled)
        {
            _writeSkips.Add(1, new TagList { { "tenant", tenant }, { "reason", reason } });
        }
    }

    /// <summary>Records an entry whose recorded tenant did not match the reader.</summary>
    public void TenantMismatch(string tenant) => AddForTenant(_tenantMismatches, tenant);

    /// <summary>Records a tenant-scoped invalidation.</summary>
    public void Invalidated(string tenant) => AddForTenant(_invalidations, tenant);

    /// <summary>Records a hit answered from the near-cache (only configured tenants have a near-cache share).</summary>
    public void NearHit(string tenant) => AddForTenant(_nearHits, tenant);

    /// <summary>Sets where <c>gateway.cache.near_size</c> reads each tenant's near-cache bytes.</summary>
    public void ObserveNearCache(Func<IEnumerable<KeyValuePair<string, long>>> usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        _nearUsage = usage;
    }

    /// <summary>Publishes a tenant's cache usage for the gauges.</summary>
    public void SetUsage(string tenant, long bytes, long keys, long quotaBytes) => _usage[tenant] = new CacheUsage(bytes, keys, quotaBytes);

    private static void AddForTenant(Counter<long> counter, string tenant)
    {
        if (counter.Enabled)
        {
            counter.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
        }
    }

    private void RetainTenants(GatewaySettings settings)
    {
        foreach (var tenant in _usage.Keys)
        {
            if (!settings.Table.IsKnownTenant(tenant))
            {
                _usage.TryRemove(tenant, out _);
            }
        }
    }

    private readonly record struct CacheUsage(long Bytes, long Keys, long QuotaBytes);
}
