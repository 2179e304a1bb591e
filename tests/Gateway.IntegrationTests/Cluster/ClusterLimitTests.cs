using System.Globalization;
using System.Net;
using Gateway.IntegrationTests.Throttling;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>A tenant's limit holds in total across three gateway nodes sharing a Redis Cluster.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterLimitTests(RedisClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.EnsureHealthyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Admission_ThreeNodesOnClusterAtTwiceTheLimit_WithinFivePercentInTotal()
    {
        // Arrange: 50 req/s, burst 5; each node alone would fall back to 17 req/s.
        const string tenant = "cl-accuracy";
        await using var gateways = await ClusterGateways.StartAsync(cluster, c =>
        {
            c.WithMeteredTenants(AccuracyRun.MaxQps, AccuracyRun.Burst, tenant);
            if (cluster.IsInProcess)
            {
                // The in-process stand-in stalls with the test process; without room for that, stalled calls fall back
                // to the per-node buckets and the run measures the stand-in's stalls instead of the shared limit.
                c.With("Gateway:Throttling:RedisBudgetMs", 250)
                    .With($"Gateway:Tiers:{ThrottlingTestGateway.MeteredTier}:TimeoutMs", 5000);
            }
        });
        await gateways.WaitUntilSharedAsync(tenant, AccuracyRun.MaxQps);
        output.WriteLine($"{tenant} is on master 127.0.0.1:{await cluster.MasterPortOfTenantAsync(tenant)}");
        var fallbacksBefore = await AccuracyRun.FallbacksAsync(gateways[0], tenant);

        // Long enough for the bucket to be full again after the warm-up requests.
        await Task.Delay(TimeSpan.FromSeconds(0.5));

        // Act: 100 req/s for 4.5 s, round robin over the three nodes.
        var run = await AccuracyRun.MeasureAsync(gateways.Nodes, tenant, "three nodes on a Redis Cluster", output);

        // Assert
        var perNode = run.Sent.Where(r => r.Status == HttpStatusCode.OK).GroupBy(r => r.Index % 3).OrderBy(g => g.Key).Select(g => g.Count());
        output.WriteLine($"admitted per node: {string.Join(" / ", perNode)}");
        run.AssertWithinFivePercent();

        // With ExpectedNodes = 3 the three local fallback buckets would admit about the same total, so the figure only
        // proves the shared limiter if the shared limiter decided: allow a few decisions over the 20 ms budget.
        var shared = run.Sent.Count(r => ClusterGateways.SharedQuota(r.RateLimitPolicy, AccuracyRun.MaxQps));
        var fallbacks = await AccuracyRun.FallbacksAsync(gateways[0], tenant) - fallbacksBefore;
        output.WriteLine($"decided in the cluster: {shared} of {run.Sent.Count}; fallback decisions counted (all attempts): {fallbacks}");
        Assert.True(shared >= run.Sent.Count * 0.95, $"only {shared} of {run.Sent.Count} admissions were decided in the cluster");
    }
}
