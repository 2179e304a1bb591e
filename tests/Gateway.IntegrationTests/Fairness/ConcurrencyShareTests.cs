using System.Diagnostics;
using System.Net;
using Gateway.Transforms.Fairness;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Fairness;

/// <summary>
/// Issue 12 items 1 and 2 through the real gateway and the simulated backend: a tenant of slow queries, well under its
/// QPS limit, cannot take the slots another active tenant has a share of; tenants are charged by the slot-time their
/// requests hold; and such a tenant is auto-throttled below what it sends. Assertions count slots, queue depths and
/// answers, never latencies, so a stall on a loaded machine cannot fake a pass or a failure.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class ConcurrencyShareTests(ITestOutputHelper output)
{
    private const string Slow = GatewayConfigBuilder.SilverTenant;
    private const string Victim = GatewayConfigBuilder.GoldTenant;
    private const string Fast = "tenant-s2";
    private const string Cluster = GatewayConfigBuilder.DefaultRouteId + "-cluster";

    [Fact]
    public async Task Proxy_SlowTenantFloodsUnderItsLimit_ActiveTenantsShareStaysFree()
    {
        // Arrange: four slots; silver (weight 1) and gold (weight 2) are both active, so silver's share is one slot and
        // gold's two. Silver's queries take 800 ms and it keeps eight in flight; its limit is far away.
        await using var backend = await SimulatedBackend.StartAsync(capacity: 4, latencyMs: 20);
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(backend.Url)
            .WithRelaxedTimeouts()
            .With("Gateway:Fairness:MaxInFlight", 4)
            .With("Gateway:Fairness:AutoThrottleShare", 1.0)
            .With("Gateway:Tiers:silver:MaxQps", 1000));
        using var slowClient = gateway.CreateClient();
        using var victimClient = gateway.CreateClient();
        var registry = gateway.Services.GetRequiredService<FairQueueRegistry>();
        var clock = Stopwatch.StartNew();
        await FloodScenario.SendAsync(victimClient, Victim, TestTokens.For(Victim), "first", clock, keepBody: false);

        // Act: the flood runs while the victim sends 20 queries 50 ms apart; slots and queues are sampled meanwhile.
        using var stop = new CancellationTokenSource();
        var flood = FloodScenario.FloodAsync(slowClient, Slow, workers: 8, maxRequests: 200, stop.Token, SlowQueries(800));
        var maxSlowInFlight = 0;
        var maxVictimQueued = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                maxSlowInFlight = Math.Max(maxSlowInFlight, registry.InFlight(Cluster, Slow));
                maxVictimQueued = Math.Max(maxVictimQueued, registry.Queued(Cluster, Victim));
                await Task.Delay(2, CancellationToken.None);
            }
        });
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var victim = new List<QueryResult>();
        for (var i = 0; i < 20; i++)
        {
            victim.Add(await FloodScenario.SendAsync(victimClient, Victim, TestTokens.For(Victim), $"q{i}", clock, keepBody: false));
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        await sampling.CancelAsync();
        await sampler;
        await stop.CancelAsync();
        var slow = await flood.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert: silver held its one slot plus the one nobody claims, never gold's share; gold never queued.
        output.WriteLine($"slow: {FloodScenario.Statuses(slow)}, max in flight {maxSlowInFlight}; victim: {FloodScenario.Statuses(victim)}, max queued {maxVictimQueued}, p95 {FloodScenario.Percentile(victim, 0.95):F0} ms");
        Assert.InRange(maxSlowInFlight, 1, 2);
        Assert.Equal(0, maxVictimQueued);
        Assert.All(victim, r => Assert.Equal(HttpStatusCode.OK, r.Status));
    }

    [Fact]
    public async Task Proxy_TierMaxConcurrency_TenantAloneNeverHoldsMore()
    {
        // Arrange: eight free slots, but silver's tier may hold two.
        await using var backend = await SimulatedBackend.StartAsync(capacity: 8, latencyMs: 20);
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(backend.Url)
            .WithRelaxedTimeouts()
            .With("Gateway:Fairness:MaxInFlight", 8)
            .With("Gateway:Tiers:silver:MaxConcurrency", 2)
            .With("Gateway:Tiers:silver:MaxQps", 1000));
        using var client = gateway.CreateClient();
        var registry = gateway.Services.GetRequiredService<FairQueueRegistry>();

        // Act: six requests of 300 ms at once.
        var clock = Stopwatch.StartNew();
        var sends = Enumerable.Range(0, 6).Select(i => FloodScenario.SendAsync(client, Slow, TestTokens.For(Slow), $"cap-{i}", clock, keepBody: false, SlowQueries(300))).ToList();
        var maxInFlight = 0;
        while (!sends.All(s => s.IsCompleted))
        {
            maxInFlight = Math.Max(maxInFlight, registry.InFlight(Cluster, Slow));
            await Task.Delay(2);
        }

        var answers = await Task.WhenAll(sends);

        // Assert
        Assert.Equal(2, maxInFlight);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
    }

    [Fact]
    public async Task Proxy_SlowAndFastTenantsShareOneSlot_ChargedBySlotTimeNotByRequests()
    {
        // Arrange: one slot for two tenants of the same tier; the slow one's queries hold it 20 times longer.
        await using var backend = await SimulatedBackend.StartAsync(capacity: 1, latencyMs: 10);
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(backend.Url)
            .WithRelaxedTimeouts()
            .WithTenant(Fast, "silver")
            .With("Gateway:Fairness:MaxInFlight", 1)
            .With("Gateway:Fairness:AutoThrottleShare", 1.0)
            .With("Gateway:Tiers:silver:MaxQps", 1000));
        using var slowClient = gateway.CreateClient();
        using var fastClient = gateway.CreateClient();

        // Act: both keep six requests waiting for three seconds.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var slowFlood = FloodScenario.FloodAsync(slowClient, Slow, workers: 6, maxRequests: 1000, stop.Token, SlowQueries(200));
        var fastFlood = FloodScenario.FloodAsync(fastClient, Fast, workers: 6, maxRequests: 5000, stop.Token);
        var slow = await slowFlood.WaitAsync(TimeSpan.FromSeconds(30));
        var fast = await fastFlood.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert: equal slot-time, so the fast tenant completes many times more requests (by count they would alternate).
        var slowOk = slow.Count(r => r.Status == HttpStatusCode.OK);
        var fastOk = fast.Count(r => r.Status == HttpStatusCode.OK);
        output.WriteLine($"slow: {FloodScenario.Statuses(slow)}; fast: {FloodScenario.Statuses(fast)}");
        Assert.True(slowOk > 0, "the slow tenant is served too");
        Assert.True(fastOk >= 5 * slowOk, $"fast {fastOk} vs slow {slowOk}: dispatches should follow slot-time, not request count");
    }

    [Fact]
    public async Task Proxy_SlowTenantWellUnderItsLimitCrowdsOthers_AutoThrottledBelowWhatItSends()
    {
        // Arrange: silver may send 100 req/s but sends slow queries that hold most of the slot-time while gold is active.
        await using var backend = await SimulatedBackend.StartAsync(capacity: 4, latencyMs: 20);
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(backend.Url)
            .WithRelaxedTimeouts()
            .With("Gateway:Fairness:MaxInFlight", 4)
            .With("Gateway:Fairness:AutoThrottleShare", 0.5)
            .With("Gateway:Fairness:AutoThrottleFactor", 0.5)
            .With("Gateway:Tiers:silver:MaxQps", 100)
            .With("Gateway:Tiers:silver:Burst", 10));
        using var slowClient = gateway.CreateClient();
        using var victimClient = gateway.CreateClient();

        // Act
        using var stop = new CancellationTokenSource();
        var flood = FloodScenario.FloodAsync(slowClient, Slow, workers: 16, maxRequests: 2000, stop.Token, SlowQueries(500));
        var trickle = FloodScenario.SteadyAsync(victimClient, Victim, count: 40, interval: TimeSpan.FromMilliseconds(100));
        var view = await Poll.UntilAsync(() => gateway.TierAsync(Slow), v => v.GetProperty("throttled").GetBoolean(), TimeSpan.FromSeconds(10));
        await trickle;
        await stop.CancelAsync();
        var slow = await flood.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert: throttled to half of the few requests a second it gets through, not to half its 100 req/s.
        var effective = view.GetProperty("effective_max_qps").GetDouble();
        output.WriteLine($"slow: {FloodScenario.Statuses(slow)}; effective limit {effective} req/s");
        Assert.True(view.GetProperty("throttled").GetBoolean());
        Assert.InRange(effective, 1, 10);
        var on = Assert.Single(gateway.Logs.Entries, e => e.EventId.Id == 420);
        Assert.Contains("slot-time", on.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> SlowQueries(int delayMs) =>
        new() { ["X-Sim-Delay-Ms"] = delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
