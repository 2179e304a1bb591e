using Gateway.Tests.Support;
using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Caching.Stores.Embedded;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Caching.Stores;

public sealed class EmbeddedCacheStoreBoundTests : IDisposable
{
    private const int Bound = 10_000;

    private readonly FakeTimeProvider _time = new();
    private readonly EmbeddedCacheStore _store;

    public EmbeddedCacheStoreBoundTests()
    {
        var settings = new TestGatewaySettings(o => o.Cache.EmbeddedMaxBytes = Bound);
        _store = new EmbeddedCacheStore(_time, settings);
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task SetAsync_PastTheBoundForAllTenants_SkippedWithoutEvictingAnotherTenant()
    {
        // Arrange: tenant a holds 8,000 of the 10,000 bytes.
        Assert.Equal(CacheWriteStatus.Stored, (await WriteAsync("tenant-a", "k1", 8_000)).Status);

        // Act: tenant b's 4,000-byte entry would pass the bound.
        var b = await WriteAsync("tenant-b", "k1", 4_000);

        // Assert
        Assert.Equal(CacheWriteStatus.SkippedStoreFull, b.Status);
        Assert.True(_store.Holds("tenant-a", 0, "k1"));
        Assert.Equal(8_000, _store.TotalBytes);
    }

    [Fact]
    public async Task SetAsync_AfterInvalidationOrExpiry_RoomAgain()
    {
        // Arrange
        await WriteAsync("tenant-a", "k1", 8_000, ttl: TimeSpan.FromSeconds(10));
        await WriteAsync("tenant-c", "k1", 1_000, ttl: TimeSpan.FromSeconds(60));

        // Act: a's entry expires; c invalidates.
        _time.Advance(TimeSpan.FromSeconds(11));
        var afterExpiry = await WriteAsync("tenant-b", "k1", 8_000);
        await _store.InvalidateAsync("tenant-c", TimeSpan.FromMinutes(5), CancellationToken.None);

        // Assert
        Assert.Equal(CacheWriteStatus.Stored, afterExpiry.Status);
        Assert.Equal(8_000, _store.TotalBytes);
    }

    [Fact]
    public async Task SetAsync_OverwriteSameKeySmaller_TotalFollowsTheNewSize()
    {
        // Arrange
        await WriteAsync("tenant-a", "k1", 9_000);

        // Act
        await WriteAsync("tenant-a", "k1", 1_000);
        var other = await WriteAsync("tenant-b", "k1", 8_500);

        // Assert
        Assert.Equal(CacheWriteStatus.Stored, other.Status);
        Assert.Equal(9_500, _store.TotalBytes);
    }

    private async Task<CacheWriteResult> WriteAsync(string tenant, string key, int size, TimeSpan? ttl = null)
    {
        var generation = await _store.GetGenerationAsync(tenant, CancellationToken.None) ?? 0;
        return await _store.SetAsync(
            new CacheWriteRequest(tenant, key, generation, new byte[size], ttl ?? TimeSpan.FromMinutes(5), long.MaxValue, TimeSpan.FromMinutes(10)),
            CancellationToken.None);
    }
}
