using Gateway.Config.Reload;
using Gateway.Config.Tiers;
using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Infrastructure.Context;

namespace Gateway.Transforms.Caching;

/// <summary>
/// The cache's operations for the admin API: tenant-scoped invalidation and the usage figures shared by every node.
/// Both return null while the shared store is unavailable.
/// </summary>
public sealed class TenantCacheAdmin
{
    private readonly ITenantCacheStore _store;
    private readonly CacheUsageReporter _usage;
    private readonly CacheMetrics _metrics;
    private readonly CacheQuotaPolicy _quotas;
    private readonly IGatewaySettings _settings;

    /// <summary>Creates the facade.</summary>
    internal TenantCacheAdmin(ITenantCacheStore store, CacheUsageReporter usage, CacheMetrics metrics, CacheQuotaPolicy quotas, IGatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(settings);
        _store = store;
        _usage = usage;
        _metrics = metrics;
        _quotas = quotas;
        _settings = settings;
    }

    /// <summary>Name of the store in use (<c>redis</c> or <c>embedded</c>), for messages.</summary>
    public string StoreName => _store.Name;

    /// <summary>Bumps <paramref name="tenantId"/>'s generation (O(1)); old entries are reclaimed in the background.</summary>
    public async ValueTask<CacheInvalidationResult?> InvalidateAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = _settings.Current.Table;
        var result = await _store.InvalidateAsync(tenantId, CacheLifetimes.ForInvalidation(table), cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            _metrics.Invalidated(table.IsKnownTenant(tenantId) ? tenantId : GatewayRequest.UnknownLabel);
        }

        return result;
    }

    /// <summary>
    /// The quota the store enforces for a tenant of <paramref name="tier"/>: the tier's own on Redis, its share of
    /// <c>Gateway:Cache:EmbeddedMaxBytes</c> on the embedded store when that is lower.
    /// </summary>
    public long EffectiveQuotaBytes(Tier tier) => _quotas.EffectiveQuota(tier, _settings.Current);

    /// <summary>The tenant's figures after expired entries are dropped; also refreshes its usage gauges (against <paramref name="quotaBytes"/>, the effective quota).</summary>
    public async ValueTask<CacheUsageSnapshot?> GetUsageAsync(string tenantId, long quotaBytes, CancellationToken cancellationToken)
    {
        var usage = await _store.GetUsageAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (usage is not null)
        {
            var label = _settings.Current.Table.IsKnownTenant(tenantId) ? tenantId : GatewayRequest.UnknownLabel;
            _usage.Report(label, usage.SizeBytes, usage.KeyCount, quotaBytes);
        }

        return usage;
    }
}
