using System.Globalization;
using System.Net;
using Gateway.Transforms.Fairness;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Fairness;

/// <summary>
/// SPEC §6 / issue 4 item 7: against a saturated backend (capacity 4, 50 ms per query), tenant A floods with 48
/// concurrent requests while tenant B sends 10 req/s. With fair queuing B's requests all finish inside its 500 ms gold
/// budget and A's excess waits in A's own lane (or is shed); the control run with fairness off shows B stuck behind A's
/// flood in the backend's FIFO queue. Limits are set high so throttling cannot mask either result.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class FairnessIsolationTests(ITestOutputHelper output)
{
    private const string TenantA = GatewayConfigBuilder.SilverTenant;
    private const string TenantB = GatewayConfigBuilder.GoldTenant;
    private const int Capacity = 4;
    private const int ServiceMs = 50;
    private const int FloodWorkers = 48;
    private const int BudgetB = 500;
    private const string Cluster = GatewayConfigBuilder.DefaultRouteId + "-cluster";

    [Fact]
    public async Task Proxy_TenantAFloods_TenantBWithinDeadlineWithFairnessAndDegradedWithout()
    {
        // Arrange
        await using var backend = await SimulatedBackend.StartAsync(Capacity, ServiceMs);

        // Act
        var on = await RunAsync(backend, fairness: true);
        var off = await RunAsync(backend, fairness: false);

        // Assert: with fairness every B request succeeds inside its budget, and A's flood queued in A's lane.
        Assert.All(on.B, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(on.B, r => Assert.True(r.LatencyMs < BudgetB, $"B took {r.LatencyMs:F0} ms"));
        Assert.True(on.MaxQueuedA > 0, "A's excess should have waited in A's lane");

        // The control: without fairness B waits behind A's flood in the backend's queue.
        var offTimeouts = off.B.Count(r => r.Status == HttpStatusCode.GatewayTimeout);
        Assert.True(offTimeouts > 0 || off.P95 > 2 * on.P95,
            $"without fairness B should degrade: p95 {off.P95:F0} ms vs {on.P95:F0} ms with it, {offTimeouts} timeouts");
        Assert.True(off.P95 > 2 * on.P95, $"B's p95 without fairness ({off.P95:F0} ms) should be well above with it ({on.P95:F0} ms)");
    }

    private async Task<ScenarioResult> RunAsync(SimulatedBackend backend, bool fairness)
    {
        var config = new GatewayConfigBuilder()
            .WithUpstream(backend.Url)
            .With("Gateway:Fairness:Enabled", fairness)
            .With("Gateway:Fairness:MaxInFlight", Capacity)
            .With("Gateway:Tiers:silver:MaxQps", 100_000)
            .With("Gateway:Tiers:silver:Burst", 100_000)
            .With("Gateway:Tiers:gold:MaxQps", 100_000)
            .With("Gateway:Tiers:gold:Burst", 100_000);
        await using var gateway = await GatewayInstance.StartAsync(config);
        using var clientA = gateway.CreateClient();
        using var clientB = gateway.CreateClient();
        await WarmUpAsync(clientA, clientB);
        var registry = gateway.Services.GetRequiredService<FairQueueRegistry>();
        var queueA = 0;
        var queueB = 0;

        using var stop = new CancellationTokenSource();
        var flood = FloodScenario.FloodAsync(clientA, TenantA, FloodWorkers, maxRequests: 2_000, stop.Token);
        using var sampler = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var sampling = Task.Run(async () =>
        {
            while (await sampler.WaitForNextTickAsync())
            {
                queueA = Math.Max(queueA, registry.Queued(Cluster, TenantA));
                queueB = Math.Max(queueB, registry.Queued(Cluster, TenantB));
            }
        });

        // Let A saturate the backend first, then B sends 10 req/s for three seconds.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var b = await FloodScenario.SteadyAsync(clientB, TenantB, count: 30, interval: TimeSpan.FromMilliseconds(100));
        await stop.CancelAsync();
        var a = await flood.WaitAsync(TimeSpan.FromSeconds(30));
        sampler.Dispose();
        await sampling;

        var result = new ScenarioResult(a, b, FloodScenario.Percentile(b, 0.5), FloodScenario.Percentile(b, 0.95), queueA, queueB);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fairness {(fairness ? "on " : "off")}: B p50 {result.P50:F1} ms, p95 {result.P95:F1} ms, max {b.Max(r => r.LatencyMs):F1} ms, statuses {FloodScenario.Statuses(b)}; " +
            $"A sent {a.Count}: {FloodScenario.Statuses(a)}, A p50 {FloodScenario.Percentile(a, 0.5):F0} ms; max queue depth A {queueA}, B {queueB}"));
        return result;
    }

    private static async Task WarmUpAsync(HttpClient clientA, HttpClient clientB)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            await FloodScenario.SendAsync(clientA, TenantA, TestTokens.For(TenantA), $"warm-{i}", clock, keepBody: false);
            await FloodScenario.SendAsync(clientB, TenantB, TestTokens.For(TenantB), $"warm-{i}", clock, keepBody: false);
        }
    }

    private sealed record ScenarioResult(List<QueryResult> A, List<QueryResult> B, double P50, double P95, int MaxQueuedA, int MaxQueuedB);
}
