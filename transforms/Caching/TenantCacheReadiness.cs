using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Infrastructure.Contracts;

namespace Gateway.Transforms.Caching;

/// <summary>Reports the cache on <c>/readyz</c>: degraded (bypassed, requests still served) while its store is unavailable.</summary>
internal sealed class TenantCacheReadiness : IReadinessCheck
{
    private readonly ITenantCacheStore _store;

    /// <summary>Creates the check.</summary>
    public TenantCacheReadiness(ITenantCacheStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc />
    public ReadinessReport Check()
    {
        if (!_store.IsShared)
        {
            return new ReadinessReport("cache", ReadinessReport.Ok, $"{_store.Name} in-process store (single node)");
        }

        return _store.IsAvailable
            ? new ReadinessReport("cache", ReadinessReport.Ok, $"shared {_store.Name} store")
            : new ReadinessReport("cache", ReadinessReport.Degraded, $"{_store.Name} unavailable: cache bypassed, requests go to the upstream");
    }
}
