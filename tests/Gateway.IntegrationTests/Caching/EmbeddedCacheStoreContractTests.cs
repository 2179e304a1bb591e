using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Caching.Stores.Embedded;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.Caching;

/// <summary>The contract against the embedded store, with controlled time.</summary>
public sealed class EmbeddedCacheStoreContractTests : CacheStoreContractTests, IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly EmbeddedCacheStore _store;

    public EmbeddedCacheStoreContractTests() => _store = new EmbeddedCacheStore(_time);

    private protected override ITenantCacheStore Store => _store;

    protected override TimeSpan ShortTtl => TimeSpan.FromSeconds(30);

    protected override Task AdvanceAsync(TimeSpan time)
    {
        _time.Advance(time);
        return Task.CompletedTask;
    }

    protected override Task<long> StoredBytesAsync(string tenantId, long generation, IEnumerable<string> hashes) =>
        Task.FromResult(_store.SumLiveBytes(tenantId, generation, hashes));

    protected override Task<bool> ExistsAsync(string tenantId, long generation, string hash) =>
        Task.FromResult(_store.Holds(tenantId, generation, hash));

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Sweep_IdleTenantWithExpiredEntries_MemoryReleasedWithoutAnyCall()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        await _store.SetAsync(Write(tenant, "k", 0, CacheTestSupport.Value(tenant, 100), ShortTtl), default);

        // Act: only the periodic sweep runs.
        _time.Advance(TimeSpan.FromSeconds(31));

        // Assert
        Assert.False(_store.Holds(tenant, 0, CacheTestSupport.Hash("k")));
    }
}
