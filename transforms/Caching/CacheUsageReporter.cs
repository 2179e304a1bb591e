using System.Collections.Concurrent;
using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Infrastructure.Context;

namespace Gateway.Transforms.Caching;

/// <summary>
/// Keeps the <c>gateway.cache.size/keys/quota</c> gauges current: set from every write's result, and
/// refreshed from the store at most once a second per tenant while the tenant is being served, so
/// expiry shows up without writes.
/// </summary>
internal sealed class CacheUsageReporter
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly ITenantCacheStore _store;
    private readonly CacheQuotaPolicy _quotas;
    private readonly CacheMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _lastRefresh = new(StringComparer.Ordinal);

    /// <summary>Creates the reporter.</summary>
    public CacheUsageReporter(ITenantCacheStore store, CacheQuotaPolicy quotas, CacheMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _quotas = quotas;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>Publishes usage known from a write or an admin read.</summary>
    public void Report(string tenantLabel, long bytes, long keys, long quotaBytes)
    {
        if (tenantLabel == GatewayRequest.UnknownLabel)
        {
            return;
        }

        _lastRefresh[tenantLabel] = _time.GetTimestamp();
        _metrics.SetUsage(tenantLabel, bytes, keys, quotaBytes);
    }

    /// <summary>Refreshes the tenant's gauges in the background unless that happened within the last second.</summary>
    public void Touch(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var label = request.TenantLabel;
        if (label == GatewayRequest.UnknownLabel || request.Tier is not { } tier)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (_lastRefresh.TryGetValue(label, out var last) && _time.GetElapsedTime(last, now) < RefreshInterval)
        {
            return;
        }

        // Only the caller that moves the timestamp refreshes; concurrent requests skip.
        var claimed = last == 0 ? _lastRefresh.TryAdd(label, now) : _lastRefresh.TryUpdate(label, now, last);
        if (claimed)
        {
            _ = RefreshAsync(request.TenantId!, label, _quotas.EffectiveQuota(tier, request.Settings));
        }
    }

    private async Task RefreshAsync(string tenantId, string label, long quotaBytes)
    {
        await Task.Yield();
        if (await _store.GetUsageAsync(tenantId, CancellationToken.None) is { } usage)
        {
            _metrics.SetUsage(label, usage.SizeBytes, usage.KeyCount, quotaBytes);
        }
    }
}
