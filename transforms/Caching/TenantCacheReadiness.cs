using Gateway.Transforms.Pipeline;

namespace Gateway.Transforms.Caching;

/// <summary>Reports the cache on <c>/readyz</c>: degraded (bypassed, requests still served) while its store is unavailable.</summary>
public sealed class TenantCacheReadiness : IReadinessCheck
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
        if (_store.Name == "embedded")
        {
            return new ReadinessReport("cache", ReadinessReport.Ok, "embedded in-process store (single node)");
        }

        return _store.IsAvailable
            ? new ReadinessReport("cache", ReadinessReport.Ok, $"shared {_store.Name} store")
            : new ReadinessReport("cache", ReadinessReport.Degraded, $"{_store.Name} unavailable: cache bypassed, requests go to the upstream");
    }
}
