using System.Globalization;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>Gateway nodes come and go without coordination: the others do not notice, a new one joins through Redis alone.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterNodeLossTests(RedisClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.EnsureHealthyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task StopGatewayNode_DuringTraffic_OthersAnswerWithoutErrorsAndANewNodeJoins()
    {
        // Arrange
        var tenants = await cluster.TenantsOnDistinctMastersAsync("nl", 2);
        Action<GatewayConfigBuilder> tiers = c =>
        {
            foreach (var tenant in tenants)
            {
                c.WithTenant(tenant, ClusterGateways.SteadyTier);
            }
        };
        await using var gateways = await ClusterGateways.StartAsync(cluster, tiers);
        foreach (var tenant in tenants)
        {
            await gateways.WaitUntilSharedAsync(tenant, ClusterGateways.SteadyQps);
        }

        await using var traffic = new ClusterTraffic(tenants, rate: 80, keys: 16);
        traffic.Route(gateways.Nodes.Select((node, i) => (i, node)));
        traffic.Start();
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        // Act: node 0 goes away mid-traffic (the balancer still sends it its share for a moment), then a fourth node,
        // started from the same configuration file with no other coordination, takes its place.
        var stoppedAt = traffic.Now;
        await gateways.StopNodeAsync(0);
        var stopDone = traffic.Now;
        await Task.Delay(TimeSpan.FromSeconds(0.5));
        var survivors = gateways.Nodes.Select((node, i) => (i + 1, node)).ToList();
        traffic.Route(survivors);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var joiner = await gateways.StartNodeAsync();
        var joinedAt = traffic.Now;
        traffic.Route([.. survivors, (3, joiner)]);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await traffic.StopAsync();
        var exchanges = traffic.Completed;

        // Assert
        var toStopped = exchanges.Where(e => e.Node == 0 && e.SentAt >= stoppedAt).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"node 0 stopped at {stoppedAt:F2} s (shutdown took {stopDone - stoppedAt:F2} s); {toStopped.Count(e => e.Status == 0)} of {toStopped.Count} requests sent to it afterwards found it gone"));
        foreach (var group in exchanges.GroupBy(e => e.Node).OrderBy(g => g.Key))
        {
            output.WriteLine($"node {group.Key}: {group.Count()} requests, {group.Count(e => e.Status == 200)} × 200, {group.Count(e => e.Cache == "HIT")} hits, {group.Count(e => e.Status == 0)} without answer");
        }

        var others = exchanges.Where(e => e.Node != 0).ToList();
        Assert.All(others, e => Assert.True(e.Status is 200 or 429, $"#{e.Index} via node {e.Node} at {e.SentAt:F2}s: {e.Status} {e.Error}"));
        Assert.All(exchanges.Where(e => e.Node == 0 && e.SentAt < stoppedAt), e => Assert.True(e.Status is 200 or 429, $"#{e.Index}: {e.Status} {e.Error}"));
        Assert.All(exchanges.Where(e => e.Status != 0), e => Assert.Equal(e.Tenant, e.BodyTenant));

        // Still one gateway: the survivors keep deciding in Redis and serving shared entries (a few answers may
        // fall back when the machine starves a Redis call past its budget).
        var afterStop = others.Where(e => e.SentAt >= stoppedAt).ToList();
        var degraded = afterStop.Count(e => e.IsDegraded(ClusterGateways.SteadyQps));
        output.WriteLine($"survivors after the stop: {afterStop.Count} answers, {degraded} degraded");
        Assert.True(degraded <= afterStop.Count / 20, $"{degraded} of {afterStop.Count} answers after the stop were degraded");

        // The newcomer served the others' entries from its first request: never a MISS.
        var fromJoiner = exchanges.Where(e => e.Node == 3).ToList();
        Assert.True(fromJoiner.Count > 20, $"only {fromJoiner.Count} requests reached the new node");
        Assert.DoesNotContain(fromJoiner, e => e.Cache == "MISS");
        Assert.True(fromJoiner.Count(e => e.Cache == "HIT") >= fromJoiner.Count * 0.9, $"{fromJoiner.Count(e => e.Cache == "HIT")} hits of {fromJoiner.Count}");
        Assert.True(joinedAt > stopDone);
    }
}
