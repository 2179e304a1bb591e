using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>Three gateway nodes on a Redis Cluster are one cache: shared entries, one invalidation, one quota figure.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterCacheTests(RedisClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.EnsureHealthyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Lookup_EntryStoredThroughNodeOne_HitOnNodeTwo()
    {
        // Arrange
        const string tenant = "cc-shared";
        await using var gateways = await ClusterGateways.StartAsync(cluster, c => c.WithTenant(tenant, ClusterGateways.CachedTier));

        // Act
        var stored = await gateways.SendCachedAsync(0, tenant, "/c/shared");
        var fromSecond = await gateways.SendCachedAsync(1, tenant, "/c/shared");
        var fromThird = await gateways.SendCachedAsync(2, tenant, "/c/shared");

        // Assert
        output.WriteLine($"master of {tenant}: 127.0.0.1:{await cluster.MasterPortOfTenantAsync(tenant)}; node 2 hit in {fromSecond.Milliseconds:F1} ms");
        Assert.Equal(("MISS", "HIT", "HIT"), (stored.Cache, fromSecond.Cache, fromThird.Cache));
        Assert.Equal(stored.Body, fromSecond.Body);
        Assert.Equal(tenant, fromSecond.Tenant);
        Assert.Equal(1, gateways.UpstreamCalls("/c/shared"));
    }

    [Fact]
    public async Task Invalidate_ThroughNodeOne_NodesTwoAndThreeMissWithinOneSecond()
    {
        // Arrange: nodes 2 and 3 have just served a hit, so each holds the tenant's generation.
        const string tenant = "cc-invalidate";
        const string other = "cc-invalidate-other";
        await using var gateways = await ClusterGateways.StartAsync(cluster, c => c
            .WithTenant(tenant, ClusterGateways.CachedTier)
            .WithTenant(other, ClusterGateways.CachedTier));
        Assert.Equal("MISS", (await gateways.SendCachedAsync(0, tenant, "/c/inv")).Cache);
        Assert.Equal("MISS", (await gateways.SendCachedAsync(0, other, "/c/inv")).Cache);
        Assert.Equal(("HIT", "HIT"), ((await gateways.SendCachedAsync(1, tenant, "/c/inv")).Cache, (await gateways.SendCachedAsync(2, tenant, "/c/inv")).Cache));

        // Act
        var clock = Stopwatch.StartNew();
        await gateways.InvalidateAsync(0, tenant);
        var polls = new[] { 1, 2 }.Select(async node =>
        {
            // A MISS stores the entry again, so each node is asked until its first MISS and no more.
            var answer = await Poll.UntilAsync(
                () => gateways.SendCachedAsync(node, tenant, "/c/inv"),
                a => a.Cache == "MISS",
                TimeSpan.FromSeconds(3),
                TimeSpan.FromMilliseconds(10));
            return (Node: node, Answer: answer, Seen: clock.Elapsed);
        });
        var results = await Task.WhenAll(polls);
        var untouched = await gateways.SendCachedAsync(1, other, "/c/inv");

        // Assert
        output.WriteLine($"invalidation through node 1 seen by node 2 after {results[0].Seen.TotalMilliseconds:F0} ms, by node 3 after {results[1].Seen.TotalMilliseconds:F0} ms");
        foreach (var (node, answer, seen) in results)
        {
            Assert.Equal("MISS", answer.Cache);
            Assert.Equal(tenant, answer.Tenant);
            Assert.True(seen < TimeSpan.FromSeconds(1), $"node {node + 1} saw the invalidation after {seen.TotalMilliseconds:F0} ms");
        }

        Assert.Equal("HIT", untouched.Cache);
    }

    [Fact]
    public async Task Metrics_SameTenantThroughEveryNode_IdenticalFigures()
    {
        // Arrange: 3 entries, 6 hits, 3 misses spread over the nodes.
        const string tenant = "cc-quota";
        await using var gateways = await ClusterGateways.StartAsync(cluster, c => c.WithTenant(tenant, ClusterGateways.CachedTier));
        for (var i = 0; i < 9; i++)
        {
            var answer = await gateways.SendCachedAsync(i % 3, tenant, $"/c/q{i / 3}");
            Assert.Equal(i % 3 == 0 ? "MISS" : "HIT", answer.Cache);
        }

        // Act: hit and miss counters are fire-and-forget writes; give them a moment to land.
        var figures = await Poll.UntilAsync(
            async () => new[] { await gateways.CacheMetricsAsync(0, tenant), await gateways.CacheMetricsAsync(1, tenant), await gateways.CacheMetricsAsync(2, tenant) },
            f => f.Distinct().Count() == 1 && f[0].Contains("\"hits\":6", StringComparison.Ordinal),
            TimeSpan.FromSeconds(3));

        // Assert
        output.WriteLine($"/admin/cache/metrics/{tenant} on every node: {figures[0]}");
        Assert.Single(figures.Distinct());
        Assert.Contains("\"hits\":6", figures[0], StringComparison.Ordinal);
        Assert.Contains("\"misses\":3", figures[0], StringComparison.Ordinal);
        Assert.Contains("\"key_count\":3", figures[0], StringComparison.Ordinal);
        Assert.DoesNotContain("\"size_bytes\":0,", figures[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traffic_TenantsOnThreeDifferentMasters_CacheAndLimitsWorkSimultaneously()
    {
        // Arrange: one tenant per master, limited to 1 req/s with a burst of 5.
        var tenants = await cluster.TenantsOnDistinctMastersAsync("cc-spread", 3);
        await using var gateways = await ClusterGateways.StartAsync(cluster, c =>
        {
            c.WithTier("cluster-tight", timeoutMs: 5000, cacheTtlSeconds: 1800, maxQps: 1, cacheQuota: "10MB").With("Gateway:Tiers:cluster-tight:Burst", 5);
            foreach (var tenant in tenants)
            {
                c.WithTenant(tenant, "cluster-tight");
            }
        });
        var masters = new List<int>();
        foreach (var tenant in tenants)
        {
            masters.Add(await cluster.MasterPortOfTenantAsync(tenant));
        }

        // Act: every tenant at once, each sending 12 cached requests in a row over the three nodes.
        var results = await Task.WhenAll(tenants.Select(async tenant =>
        {
            var answers = new List<Caching.CacheAnswer>();
            for (var i = 0; i < 12; i++)
            {
                answers.Add(await gateways.SendCachedAsync(i % 3, tenant, "/c/spread"));
            }

            return answers;
        }));

        // Assert
        output.WriteLine($"tenants {string.Join(", ", tenants)} on masters {string.Join(", ", masters)}");
        Assert.Equal(3, masters.Distinct().Count());
        for (var t = 0; t < tenants.Count; t++)
        {
            var answers = results[t];
            var admitted = answers.Where(a => a.Status == HttpStatusCode.OK).ToList();
            output.WriteLine($"{tenants[t]}: {admitted.Count} admitted ({admitted.Count(a => a.Cache == "HIT")} hits), {answers.Count(a => a.Status == HttpStatusCode.TooManyRequests)} refused");
            Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{tenants[t]}: {(int)a.Status}"));

            // The shared bucket of 5 (plus at most one more if the burst took over a second); three local fallback
            // buckets would each start full.
            Assert.InRange(admitted.Count, 5, 6);
            Assert.All(admitted, a => Assert.Equal(tenants[t], a.Tenant));
            Assert.Contains(admitted, a => a.Cache == "HIT");

            // The limiter state really lives on that master: a node-local EXISTS finds it there.
            Assert.Equal(1L, await RespClient.SendAsync(masters[t], "EXISTS", Gateway.Transforms.Infrastructure.Redis.RedisKeys.RateLimit(tenants[t])));
        }
    }
}
