using System.Diagnostics.Metrics;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Caching.Stores.Near;
using Gateway.Transforms.Caching.Stores.Redis;
using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Caching;

/// <summary>The contract against a real Redis (the fixture's <c>redis-server</c>, or Garnet where none is installed).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisCacheStoreContractTests : CacheStoreContractTests, IAsyncLifetime
{
    private readonly RedisServerFixture _redis;
    private readonly ITestOutputHelper _output;
    private RedisConnection? _connection;
    private RedisCacheStore? _store;
    private ConnectionMultiplexer? _probe;

    public RedisCacheStoreContractTests(RedisServerFixture redis, ITestOutputHelper output)
    {
        _redis = redis;
        _output = output;
    }

    private protected override ITenantCacheStore Store => _store!;

    protected override TimeSpan ShortTtl => TimeSpan.FromMilliseconds(300);

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        (_connection, _, _store) = await CacheTestSupport.StartRedisStoreAsync(_redis.ConnectionString);
        _probe = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_probe is not null)
        {
            await _probe.DisposeAsync();
        }
    }

    protected override Task AdvanceAsync(TimeSpan time) => Task.Delay(time);

    protected override async Task<long> StoredBytesAsync(string tenantId, long generation, IEnumerable<string> hashes)
    {
        var db = _probe!.GetDatabase();
        long total = 0;
        foreach (var hash in hashes)
        {
            total += await db.StringLengthAsync(RedisKeys.CacheEntry(tenantId, generation, hash));
            total += await db.StringLengthAsync(RedisKeys.CacheVector(tenantId, generation, hash));
        }

        return total;
    }

    protected override Task<bool> ExistsAsync(string tenantId, long generation, string hash) =>
        _probe!.GetDatabase().KeyExistsAsync(RedisKeys.CacheEntry(tenantId, generation, hash));

    [Fact]
    public async Task PeekAsync_NearCachedAfterInvalidation_OldGenerationMatchIsAMiss()
    {
        // Arrange: the near-cached store in front of Redis, as the gateway runs it; a semantic match names the
        // generation its exact lookup used, and that generation's entry is still in Redis until it is reclaimed.
        var tenant = CacheTestSupport.UniqueTenant();
        var settings = CacheTestSupport.Settings(_redis.ConnectionString);
        var metrics = new CacheMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>(), settings);
        var near = new NearCachedStore(_store!, settings, metrics, TimeProvider.System);
        await near.SetAsync(Write(tenant, "q", 0, CacheTestSupport.Value(tenant, 10), TimeSpan.FromMinutes(1)), default);
        var before = await near.PeekAsync(tenant, CacheTestSupport.Hash("q"), 0, default);

        // Act
        await near.InvalidateAsync(tenant, TimeSpan.FromMinutes(30), default);
        var after = await near.PeekAsync(tenant, CacheTestSupport.Hash("q"), 0, default);

        // Assert
        Assert.Equal(CacheLookupStatus.Hit, before.Status);
        Assert.True(await _probe!.GetDatabase().KeyExistsAsync(RedisKeys.CacheEntry(tenant, 0, CacheTestSupport.Hash("q"))));
        Assert.Equal(CacheLookupStatus.Miss, after.Status);
    }

    [Fact]
    public async Task SetAsync_AnyWrite_EveryKeyOfTheTenantHasATtl()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        await Store.GetAsync(tenant, CacheTestSupport.Hash("k"), default);
        await Store.SetAsync(Write(tenant, "k", 0, CacheTestSupport.Value(tenant, 10), TimeSpan.FromMinutes(1)), default);
        var invalidation = await Store.InvalidateAsync(tenant, TimeSpan.FromMinutes(30), default);
        await Store.SetAsync(Write(tenant, "k2", invalidation!.Generation, CacheTestSupport.Value(tenant, 10), TimeSpan.FromMinutes(1)), default);
        Store.RecordLookup(tenant, hit: false);
        await Store.GetUsageAsync(tenant, default); // writes this node's pending counts now rather than within 100 ms
        var db = _probe!.GetDatabase();
        RedisKey[] keys =
        [
            RedisKeys.CacheGeneration(tenant), RedisKeys.CacheIndex(tenant), RedisKeys.CacheSizes(tenant),
            RedisKeys.CacheStats(tenant), RedisKeys.CacheEntry(tenant, invalidation.Generation, CacheTestSupport.Hash("k2")),
        ];

        // Act
        var ttls = new List<TimeSpan?>();
        foreach (var key in keys)
        {
            Assert.True(await db.KeyExistsAsync(key), $"{key} missing");
            ttls.Add(await db.KeyTimeToLiveAsync(key));
        }

        // Assert
        Assert.All(ttls, ttl => Assert.True(ttl is { } t && t > TimeSpan.Zero));
        Assert.All(keys, key => Assert.Contains("{" + tenant + "}", (string)key!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidateAsync_OtherNodeCachedTheGeneration_SeesTheBumpWithinOneSecond()
    {
        // Arrange: a second node with its own connection and generation cache.
        var (connection, _, other) = await CacheTestSupport.StartRedisStoreAsync(_redis.ConnectionString);
        await using var _ = connection;
        await using var __ = other;
        other.Start();
        Assert.True(await Poll.UntilAsync(() => other.IsSubscribed, TimeSpan.FromSeconds(5)));
        var tenant = CacheTestSupport.UniqueTenant();
        await Store.SetAsync(Write(tenant, "k", 0, CacheTestSupport.Value(tenant, 10), TimeSpan.FromMinutes(1)), default);
        Assert.Equal(CacheLookupStatus.Hit, (await other.GetAsync(tenant, CacheTestSupport.Hash("k"), default)).Status);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Act
        await Store.InvalidateAsync(tenant, TimeSpan.FromMinutes(30), default);
        var seen = await Poll.UntilAsync(
            async () => (await other.GetAsync(tenant, CacheTestSupport.Hash("k"), default)).Status,
            status => status == CacheLookupStatus.Miss,
            TimeSpan.FromSeconds(3),
            TimeSpan.FromMilliseconds(10));

        // Assert
        Assert.Equal(CacheLookupStatus.Miss, seen);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task ReclaimAsync_ManyEntriesInBatches_NoneLeftAndCurrentGenerationKept()
    {
        // Arrange: more entries than one reclaim batch, plus entries written after the bump.
        var tenant = CacheTestSupport.UniqueTenant();
        var old = Enumerable.Range(0, 700).Select(i => CacheTestSupport.Hash($"o{i}")).ToList();
        var db = _probe!.GetDatabase();
        for (var i = 0; i < old.Count; i++)
        {
            await Store.SetAsync(Write(tenant, $"o{i}", 0, CacheTestSupport.Value(tenant, 20), TimeSpan.FromMinutes(5)), default);
        }

        var invalidation = await Store.InvalidateAsync(tenant, TimeSpan.FromMinutes(30), default);
        var kept = CacheTestSupport.Value(tenant, 33);
        await Store.SetAsync(Write(tenant, "new", invalidation!.Generation, kept, TimeSpan.FromMinutes(5)), default);

        // Act
        await Store.ReclaimAsync(tenant, default);

        // Assert
        Assert.Equal(700, invalidation.DeletedKeys);
        Assert.True(await WaitUntilReclaimedAsync(tenant, old));
        Assert.Equal(1, await db.SortedSetLengthAsync(RedisKeys.CacheIndex(tenant)));
        Assert.True(await db.KeyExistsAsync(RedisKeys.CacheEntry(tenant, invalidation.Generation, CacheTestSupport.Hash("new"))));
        var usage = await Store.GetUsageAsync(tenant, default);
        Assert.Equal((kept.Length, 1L), (usage!.SizeBytes, usage.KeyCount));
    }

    [Fact]
    public async Task GetUsageAsync_FiveHundredEntriesMixedSizesAndTtls_AccountingErrorZeroAfterExpiryAndInvalidation()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var random = new Random(7);
        var hashes = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            var ttl = i % 2 == 0 ? ShortTtl : TimeSpan.FromMinutes(5);
            await Store.SetAsync(Write(tenant, $"m{i}", 0, CacheTestSupport.Value(tenant, random.Next(10, 3000)), ttl), default);
            hashes.Add(CacheTestSupport.Hash($"m{i}"));
        }

        // Overwrites with other sizes must not drift the figure either.
        for (var i = 1; i < 500; i += 10)
        {
            await Store.SetAsync(Write(tenant, $"m{i}", 0, CacheTestSupport.Value(tenant, random.Next(10, 3000)), TimeSpan.FromMinutes(5)), default);
        }

        // Act
        await AdvanceAsync(ShortTtl + ShortTtl);
        var expiredAccounted = (await Store.GetUsageAsync(tenant, default))!;
        var expiredStored = await StoredBytesAsync(tenant, 0, hashes);
        var invalidation = await Store.InvalidateAsync(tenant, TimeSpan.FromMinutes(30), default);
        await Store.ReclaimAsync(tenant, default);
        var invalidatedAccounted = (await Store.GetUsageAsync(tenant, default))!;
        var invalidatedStored = await StoredBytesAsync(tenant, 0, hashes);

        // Assert
        _output.WriteLine($"accounting error: {expiredAccounted.SizeBytes - expiredStored} bytes after expiry ({expiredStored} stored, {expiredAccounted.KeyCount} keys); " +
            $"{invalidatedAccounted.SizeBytes - invalidatedStored} bytes after invalidation of {invalidation!.DeletedKeys} keys");
        Assert.Equal(expiredStored, expiredAccounted.SizeBytes);
        Assert.InRange(expiredAccounted.KeyCount, 250, 300);
        Assert.Equal(expiredAccounted.KeyCount, invalidation.DeletedKeys);
        Assert.Equal((0L, 0L, 0L), (invalidatedStored, invalidatedAccounted.SizeBytes, invalidatedAccounted.KeyCount));
    }

    [Fact]
    public async Task ReadVectorsAsync_RecordsStored_ReturnedInOrderFromTheCursorWithoutExpiredOnes()
    {
        // Arrange: three entries with records (one short-lived), one without.
        var tenant = CacheTestSupport.UniqueTenant();
        await Store.SetAsync(Write(tenant, "a", 0, CacheTestSupport.Value(tenant, 10), TimeSpan.FromMinutes(1)) with { Vector = new CacheVectorWrite("ra"u8.ToArray(), 100) }, default);
        await Store.SetAsync(Write(tenant, "b", 0, CacheTestSupport.Value(tenant, 10), ShortTtl) with { Vector = new CacheVectorWrite("rb"u8.ToArray(), 100) }, default);
        await Store.SetAsync(Write(tenant, "c", 0, CacheTestSupport.Value(tenant, 10), TimeSpan.FromMinutes(1)), default);
        await Store.SetAsync(Write(tenant, "d", 0, CacheTestSupport.Value(tenant, 10), TimeSpan.FromMinutes(1)) with { Vector = new CacheVectorWrite("rd"u8.ToArray(), 100) }, default);

        // Act
        var firstPage = await Store.ReadVectorsAsync(tenant, 0, 0, 2, default);
        var rest = await Store.ReadVectorsAsync(tenant, 0, firstPage!.Last, 2, default);
        await AdvanceAsync(ShortTtl + ShortTtl);
        var afterExpiry = await Store.ReadVectorsAsync(tenant, 0, 0, 10, default);
        var otherTenant = await Store.ReadVectorsAsync(CacheTestSupport.UniqueTenant(), 0, 0, 10, default);

        // Assert
        Assert.Equal([CacheTestSupport.Hash("a"), CacheTestSupport.Hash("b")], firstPage.Records.Select(r => r.KeyHash));
        Assert.Equal("ra"u8.ToArray(), firstPage.Records[0].Record);
        Assert.True(firstPage.More);
        Assert.Equal([CacheTestSupport.Hash("d")], rest!.Records.Select(r => r.KeyHash));
        Assert.False(rest.More);
        Assert.Equal([CacheTestSupport.Hash("a"), CacheTestSupport.Hash("d")], afterExpiry!.Records.Select(r => r.KeyHash));
        Assert.Empty(otherTenant!.Records);
    }

    [Fact]
    public async Task InvalidateAsync_EntriesWithRecords_NewGenerationHasNoRecordsAndReclaimUnlinksTheOldOnes()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        for (var i = 0; i < 5; i++)
        {
            await Store.SetAsync(Write(tenant, $"k{i}", 0, CacheTestSupport.Value(tenant, 10), TimeSpan.FromMinutes(5)) with { Vector = Vector(300) }, default);
        }

        var db = _probe!.GetDatabase();
        Assert.True(await db.KeyExistsAsync(RedisKeys.CacheVectorFeed(tenant, 0)));

        // Act
        var invalidation = await Store.InvalidateAsync(tenant, TimeSpan.FromMinutes(30), default);
        var newGeneration = await Store.ReadVectorsAsync(tenant, invalidation!.Generation, 0, 10, default);
        await Store.ReclaimAsync(tenant, default);
        var usage = await Store.GetUsageAsync(tenant, default);

        // Assert
        Assert.Empty(newGeneration!.Records);
        Assert.False(await db.KeyExistsAsync(RedisKeys.CacheVectorFeed(tenant, 0)));
        for (var i = 0; i < 5; i++)
        {
            Assert.False(await db.KeyExistsAsync(RedisKeys.CacheVector(tenant, 0, CacheTestSupport.Hash($"k{i}"))));
        }

        Assert.Equal((0L, 0L), (usage!.SizeBytes, usage.KeyCount));
    }

    [Fact]
    public async Task SetAsync_WithVectorRecord_RecordAndFeedCarryTheTenantTagAndATtl()
    {
        // Arrange
        var tenant = CacheTestSupport.UniqueTenant();
        var db = _probe!.GetDatabase();

        // Act
        await Store.SetAsync(Write(tenant, "k", 0, CacheTestSupport.Value(tenant, 10), TimeSpan.FromMinutes(1)) with { Vector = Vector(100) }, default);
        RedisKey[] keys = [RedisKeys.CacheVector(tenant, 0, CacheTestSupport.Hash("k")), RedisKeys.CacheVectorFeed(tenant, 0)];

        // Assert
        foreach (var key in keys)
        {
            Assert.Contains("{" + tenant + "}", (string)key!, StringComparison.Ordinal);
            Assert.True(await db.KeyTimeToLiveAsync(key) is { } ttl && ttl > TimeSpan.Zero, $"{key} has no TTL");
        }
    }
}
