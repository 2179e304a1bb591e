using System.Diagnostics;
using System.Globalization;
using Gateway.IntegrationTests.Throttling;
using Gateway.Transforms.Caching.Stores.Redis;
using Gateway.Transforms.Infrastructure.Redis;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// A Redis master dies while three gateway nodes serve two tenants: requests keep succeeding (cache bypassed, limits
/// local, both only for what lived on that master), nothing crosses tenants, and once the replica is promoted the
/// shared cache and shared limits come back by themselves.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterFailoverTests(RedisClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const double Rate = 80;

    public Task InitializeAsync() => cluster.EnsureHealthyAsync();

    // Brings the killed master back (as a replica) for whichever cluster test runs next.
    public Task DisposeAsync() => cluster.EnsureHealthyAsync();

    [Fact]
    public async Task KillMaster_WhileTrafficFlows_NoFailureNoCrossTenantAndSharedStateReturns()
    {
        // Arrange: one tenant per master. The victim is the master holding the nodes' invalidation subscription when
        // there is one, so the failover also has to move the subscription; "doomed" lives on it, "bystander" elsewhere.
        var tenants = await cluster.TenantsOnDistinctMastersAsync("fo", 3);
        await using var gateways = await ClusterGateways.StartAsync(cluster, c =>
        {
            foreach (var tenant in tenants)
            {
                c.WithTenant(tenant, ClusterGateways.SteadyTier);
            }
        });
        var subscribed = await Poll.UntilAsync(() => cluster.SubscribedNodesAsync(RedisKeys.InvalidationChannel), s => s.Count > 0, TimeSpan.FromSeconds(5));
        var masterOf = new Dictionary<string, int>();
        foreach (var tenant in tenants)
        {
            masterOf[tenant] = await cluster.MasterPortOfTenantAsync(tenant);
        }

        var doomed = tenants.FirstOrDefault(t => subscribed.Contains(masterOf[t])) ?? tenants[0];
        var bystander = tenants.First(t => t != doomed);
        var victim = masterOf[doomed];
        await gateways.WaitUntilSharedAsync(doomed, ClusterGateways.SteadyQps);
        await gateways.WaitUntilSharedAsync(bystander, ClusterGateways.SteadyQps);
        output.WriteLine($"invalidation channel subscribed on {string.Join(", ", subscribed)}; victim master 127.0.0.1:{victim}; {doomed} on it, {bystander} on 127.0.0.1:{masterOf[bystander]}");

        // 40 req/s per tenant: under the shared 90 and under each node's fallback share of 30 (≈13 per node each).
        await using var traffic = new ClusterTraffic([doomed, bystander], Rate, keys: 24);
        traffic.Route(gateways.Nodes.Select((node, i) => (i, node)));
        traffic.Start();
        Assert.True(await traffic.UntilAsync(e => e.Count(x => x.Cache == "HIT") > 20, TimeSpan.FromSeconds(10)), "no steady cached traffic before the kill");

        // Act
        var killedAt = traffic.Now;
        await cluster.KillMasterAsync(victim);
        var readiness = await Poll.UntilAsync(() => ReadinessAsync(gateways[0]), r => r.Redis.Contains("hash slot", StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        var promoted = await cluster.WaitForPromotionAsync(victim, TimeSpan.FromSeconds(20));
        var promotedAt = traffic.Now;

        // Back to normal: a second of the doomed tenant's answers, shared and cached on every node.
        var recovered = await traffic.UntilAsync(e => Healthy(e, doomed, traffic.Now), TimeSpan.FromSeconds(20));
        var recoveredAt = traffic.Now;
        var fallbacksAtRecovery = await AccuracyRun.FallbacksAsync(gateways[0], doomed);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var fallbacksLater = await AccuracyRun.FallbacksAsync(gateways[0], doomed);
        await traffic.StopAsync();
        var exchanges = traffic.Completed;

        var fresh = new[]
        {
            await gateways.SendCachedAsync(0, doomed, "/c/after-failover"),
            await gateways.SendCachedAsync(1, doomed, "/c/after-failover"),
            await gateways.SendCachedAsync(2, doomed, "/c/after-failover"),
        };
        var invalidation = await InvalidationPropagationAsync(gateways, doomed);

        // Assert
        foreach (var (node, i) in gateways.Nodes.Select((n, i) => (n, i)))
        {
            foreach (var log in node.Logs.Entries)
            {
                output.WriteLine($"node {i}: {log}");
            }
        }

        Report(exchanges, doomed, bystander, killedAt, promotedAt, recoveredAt, promoted, invalidation);
        output.WriteLine($"/readyz during the failover: {readiness.Status} {readiness.Redis}");
        Assert.Equal(200, readiness.Status);
        Assert.Contains("degraded", readiness.Redis, StringComparison.Ordinal);
        Assert.Contains("hash slot", readiness.Redis, StringComparison.Ordinal);
        Assert.All(exchanges, e => Assert.True(e.Status is 200 or 429, $"#{e.Index} {e.Tenant} via node {e.Node} at {e.SentAt:F2}s: {e.Status} {e.Error}"));
        Assert.All(exchanges, e => Assert.True(e.BodyTenant == e.Tenant, $"#{e.Index} for {e.Tenant} answered with {e.BodyTenant}'s data"));
        Assert.True(recovered, $"{doomed} still degraded {recoveredAt - promotedAt:F1} s after the promotion");

        // While degraded every one of the doomed tenant's 40 req/s fell back; once recovered, at most stray ones.
        Assert.InRange(fallbacksLater - fallbacksAtRecovery, 0, 3);

        // Isolation: the tenant on a healthy master kept its cache through the failover.
        var bypassed = exchanges.Where(e => e.SentAt >= killedAt && e.Cache == "BYPASS").ToLookup(e => e.Tenant);
        Assert.True(bypassed[bystander].Count() * 4 <= bypassed[doomed].Count(),
            $"{bystander} on a healthy master was bypassed {bypassed[bystander].Count()} times, {doomed} {bypassed[doomed].Count()} times");
        Assert.Equal(("MISS", "HIT", "HIT"), (fresh[0].Cache, fresh[1].Cache, fresh[2].Cache));
        Assert.All(fresh, f => Assert.Equal(doomed, f.Tenant));
        Assert.True(invalidation < TimeSpan.FromMilliseconds(500), $"invalidation after the failover took {invalidation.TotalMilliseconds:F0} ms: an announcement was lost");
        Assert.Contains(exchanges, e => e.Tenant == doomed && e.IsDegraded(ClusterGateways.SteadyQps));
    }

    /// <summary>The last second of the tenant's answers: shared and cached on every node (bar a stray starved call).</summary>
    private static bool Healthy(IReadOnlyList<Exchange> exchanges, string tenant, double now)
    {
        var recent = exchanges.Where(e => e.Tenant == tenant && e.SentAt > now - 1.25 && e.SentAt < now - 0.25).ToList();
        var good = recent.Where(e => e.Status == 200 && !e.IsDegraded(ClusterGateways.SteadyQps)).ToList();
        return recent.Count >= 20
            && good.Select(e => e.Node).Distinct().Count() == ClusterGateways.NodeCount
            && good.Count >= recent.Count * 0.95;
    }

    /// <summary>The HTTP status of <c>/readyz</c> and its <c>redis</c> component as "status: detail".</summary>
    private static async Task<(int Status, string Redis)> ReadinessAsync(GatewayInstance node)
    {
        using var response = await node.Client.GetAsync(new Uri("readyz", UriKind.Relative));
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var redis = body.RootElement.GetProperty("components").GetProperty("redis");
        return ((int)response.StatusCode, $"{redis.GetProperty("status").GetString()}: {redis.GetProperty("detail").GetString()}");
    }

    /// <summary>
    /// Invalidates through node 0 (watched by nodes 1 and 2), then through node 1 (watched by node 0), and returns the
    /// slowest time to a MISS. Each watcher re-reads the generation just before, so without the pub/sub announcement
    /// it would keep serving hits for a full second: a fast MISS proves every node's subscription survived the failover.
    /// </summary>
    private static async Task<TimeSpan> InvalidationPropagationAsync(ClusterGateways gateways, string tenant)
    {
        var slowest = TimeSpan.Zero;
        foreach (var (through, watchers) in new[] { (0, new[] { 1, 2 }), (1, new[] { 0 }) })
        {
            var path = $"/c/announce-{through}";
            Assert.Equal("MISS", (await gateways.SendCachedAsync(through, tenant, path)).Cache);
            await Task.Delay(RedisGenerationCache.MaxAge + TimeSpan.FromMilliseconds(100));
            foreach (var watcher in watchers)
            {
                Assert.Equal("HIT", (await gateways.SendCachedAsync(watcher, tenant, path)).Cache);
            }

            var clock = Stopwatch.StartNew();
            await gateways.InvalidateAsync(through, tenant);
            var seen = await Task.WhenAll(watchers.Select(async watcher =>
            {
                var answer = await Poll.UntilAsync(() => gateways.SendCachedAsync(watcher, tenant, path), a => a.Cache == "MISS", TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(10));
                Assert.Equal("MISS", answer.Cache);
                return clock.Elapsed;
            }));
            slowest = seen.Append(slowest).Max();
        }

        return slowest;
    }

    private void Report(IReadOnlyList<Exchange> exchanges, string doomed, string bystander, double killedAt, double promotedAt, double recoveredAt, int promoted, TimeSpan invalidation)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"killed at {killedAt:F2} s; replica 127.0.0.1:{promoted} promoted at {promotedAt:F2} s (+{promotedAt - killedAt:F2} s); {doomed} healthy again by {recoveredAt:F2} s"));
        foreach (var tenant in new[] { doomed, bystander })
        {
            var mine = exchanges.Where(e => e.Tenant == tenant).ToList();
            var after = mine.Where(e => e.SentAt >= killedAt).ToList();
            var local = after.Where(e => e.Status != 0 && !ClusterGateways.SharedQuota(e.Policy, ClusterGateways.SteadyQps)).ToList();
            var bypass = after.Where(e => e.Cache == "BYPASS").ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{tenant}: {mine.Count} requests, {mine.Count(e => e.Status == 200)} × 200, {mine.Count(e => e.Status == 429)} × 429, {mine.Count(e => e.Status is not (200 or 429))} other; " +
                $"after the kill: local limit {local.Count} ({Span(local, killedAt)}), cache bypass {bypass.Count} ({Span(bypass, killedAt)}); " +
                $"before it: {mine.Count(e => e.SentAt < killedAt && e.IsDegraded(ClusterGateways.SteadyQps))} degraded answers"));
        }

        output.WriteLine($"after the failover, an invalidation reached every other node by announcement within {invalidation.TotalMilliseconds:F0} ms");
    }

    private static string Span(List<Exchange> degraded, double killedAt) => degraded.Count == 0
        ? "never"
        : string.Create(CultureInfo.InvariantCulture, $"from +{degraded.Min(e => e.SentAt) - killedAt:F2} s to +{degraded.Max(e => e.SentAt) - killedAt:F2} s after the kill");
}
