using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Caching;

/// <summary>Two gateway instances on one Redis behave as one cache: shared entries, shared counters, shared invalidation.</summary>
[Collection(RedisCollection.Name)]
public sealed class MultiNodeCacheTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoNodes_EntryStoredThroughOne_HitOnTheOtherWithSameCounters()
    {
        // Arrange
        await redis.StartAsync();
        await using var first = await CacheGateway.StartAsync(redis.ConnectionString);
        await using var second = await CacheGateway.StartAsync(redis.ConnectionString, first.Upstream, first.Id);
        var token = CacheGateway.Token(first.TenantA);

        // Act: each node adds up its lookups and writes them every 100 ms, so the other node's count arrives within that.
        var miss = await first.SendAsync("/c/shared", token);
        var hit = await second.SendAsync("/c/shared", token);
        var metricsFirst = await Poll.UntilAsync(
            () => first.CacheMetricsAsync(first.TenantA),
            m => m.GetProperty("hits").GetInt64() + m.GetProperty("misses").GetInt64() >= 2,
            TimeSpan.FromSeconds(5),
            TimeSpan.FromMilliseconds(20));
        var metricsSecond = await second.CacheMetricsAsync(first.TenantA);

        // Assert
        Assert.Equal("MISS", miss.Cache);
        Assert.Equal("HIT", hit.Cache);
        Assert.Equal(miss.Body, hit.Body);
        Assert.Equal(1, first.UpstreamCalls("/c/shared"));
        Assert.Equal(metricsFirst.ToString(), metricsSecond.ToString());
        Assert.Equal((1, 1), (metricsSecond.GetProperty("hits").GetInt64(), metricsSecond.GetProperty("misses").GetInt64()));
    }

    [Fact]
    public async Task TwoNodes_InvalidationThroughOne_OtherMissesWithinOneSecond()
    {
        // Arrange: the second node has the tenant's generation cached from a recent hit, and the entry in its near-cache
        // (kept when read back from Redis, then served from memory).
        await redis.StartAsync();
        await using var first = await CacheGateway.StartAsync(redis.ConnectionString);
        await using var second = await CacheGateway.StartAsync(redis.ConnectionString, first.Upstream, first.Id);
        var tokenA = CacheGateway.Token(first.TenantA);
        var tokenB = CacheGateway.Token(first.TenantB);
        await first.SendAsync("/c/inv", tokenA);
        await first.SendAsync("/c/inv", tokenB);
        Assert.Equal("HIT", (await second.SendAsync("/c/inv", tokenA)).Cache);
        Assert.Equal("HIT", (await second.SendAsync("/c/inv", tokenA)).Cache);

        // Act
        var clock = Stopwatch.StartNew();
        var result = await first.InvalidateTenantAsync(first.TenantA);
        var seen = await Poll.UntilAsync(
            () => second.SendAsync("/c/inv", tokenA),
            answer => answer.Cache == "MISS",
            TimeSpan.FromSeconds(3),
            TimeSpan.FromMilliseconds(20));
        var elapsed = clock.Elapsed;
        var other = await second.SendAsync("/c/inv", tokenB);

        // Assert
        output.WriteLine($"second node saw the invalidation after {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(1, result.GetProperty("deleted_keys").GetInt64());
        Assert.Equal("MISS", seen.Cache);
        Assert.Equal(HttpStatusCode.OK, seen.Status);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal("HIT", other.Cache);
    }
}
