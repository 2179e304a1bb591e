using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Config.Reload;
using Gateway.IntegrationTests.Throttling;
using Gateway.Transforms.Fairness;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Fairness;

/// <summary>
/// Issues 4 and 12: a tenant holding more than half of a saturated upstream's slot-time while another tenant is active
/// gets its limit cut to half of what it sends, at most half its tier's (logged, gauge, admin view, 429s with reason
/// <c>auto_throttle</c>), and gets it back after 30 s without offending. The cool-down runs on a <see cref="FakeTimeProvider"/> given to the auto-throttle controller only;
/// everything else runs on real time.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class AutoThrottleTests(ITestOutputHelper output)
{
    private const string TenantA = GatewayConfigBuilder.SilverTenant;
    private const string TenantB = GatewayConfigBuilder.GoldTenant;
    private const string Cluster = GatewayConfigBuilder.DefaultRouteId + "-cluster";
    private const int CooldownSeconds = 30;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Flood_TenantHoldsMostOfSaturatedUpstream_ThrottledThenReleasedAfterCooldown()
    {
        // Arrange: capacity 4 at 50 ms serves 80 req/s; A's limit of 100 req/s does not bite until it is halved.
        var cooldownClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var backend = await SimulatedBackend.StartAsync(capacity: 4, latencyMs: 50);
        var config = new GatewayConfigBuilder()
            .WithUpstream(backend.Url)
            .With("Gateway:Fairness:MaxInFlight", 4)
            .With("Gateway:Fairness:AutoThrottleShare", 0.5)
            .With("Gateway:Fairness:AutoThrottleFactor", 0.5)
            .With("Gateway:Fairness:AutoThrottleCooldownSeconds", CooldownSeconds)
            .With("Gateway:Throttling:HotWindowSeconds", 2)
            .With("Gateway:Tiers:silver:MaxQps", 100)
            .With("Gateway:Tiers:silver:Burst", 20);
        await using var gateway = await GatewayInstance.StartAsync(
            config,
            services => services.Replace(ServiceDescriptor.Singleton(sp => new AutoThrottleController(
                sp.GetRequiredService<IGatewaySettings>(), cooldownClock, sp.GetRequiredService<ILogger<AutoThrottleController>>()))),
            LogLevel.Information);
        using var clientA = gateway.CreateClient();
        using var clientB = gateway.CreateClient();
        var registry = gateway.Services.GetRequiredService<FairQueueRegistry>();

        // Act 1: A floods with 32 concurrent requests; B asks every 100 ms, so it is active on the cluster while A crowds it.
        using var stop = new CancellationTokenSource();
        var flood = FloodScenario.FloodAsync(clientA, TenantA, workers: 32, maxRequests: 4_000, stop.Token);
        var trickle = FloodScenario.TrickleAsync(clientB, TenantB, stop.Token);
        var engaged = await Poll.UntilAsync(() => AdminAsync(gateway), d => d.Throttled && d.Hot, Patience, TimeSpan.FromMilliseconds(100));
        var gauge = await Poll.UntilAsync(() => GaugeAsync(gateway), v => v == 1, Patience, TimeSpan.FromMilliseconds(200));

        // Keep flooding a little under the halved limit, so refusals show the reason.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await stop.CancelAsync();
        var a = await flood.WaitAsync(TimeSpan.FromSeconds(30));
        await trickle.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await Poll.UntilAsync(() => registry.InFlight(Cluster) == 0 && registry.Queued(Cluster) == 0, Patience));

        // Act 2: quiet; the cool-down passes on the controller's clock.
        cooldownClock.Advance(TimeSpan.FromSeconds(CooldownSeconds - 1));
        var beforeCooldown = await AdminAsync(gateway);
        cooldownClock.Advance(TimeSpan.FromSeconds(1));
        var afterCooldown = await AdminAsync(gateway);
        var gaugeAfter = await Poll.UntilAsync(() => GaugeAsync(gateway), v => v == 0, Patience, TimeSpan.FromMilliseconds(200));

        // Assert: engaged with the halved limit, visible to operators and in the gauge.
        output.WriteLine($"A: {FloodScenario.Statuses(a)}; admin while flooding: {engaged}; after {CooldownSeconds - 1} s: {beforeCooldown}; after {CooldownSeconds} s: {afterCooldown}");
        Assert.True(engaged.Throttled, "A should be auto-throttled under the flood");
        Assert.True(engaged.Hot, "A should be flagged hot");
        Assert.InRange(engaged.EffectiveMaxQps, 1, 50);
        Assert.Equal(1, gauge);

        var reasons = a.Where(r => r.Status == HttpStatusCode.TooManyRequests)
            .Select(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("reason").GetString()).ToList();
        Assert.Contains("auto_throttle", reasons);

        foreach (var entry in gateway.Logs.Entries.Where(e => e.Category.Contains("Throttl", StringComparison.Ordinal)))
        {
            output.WriteLine($"log {entry.EventId.Id} {entry.Level}: {entry.Message}");
        }

        var on = Assert.Single(gateway.Logs.Entries, e => e.EventId.Id == 420);
        output.WriteLine(on.Message);
        Assert.Contains($"tenant {TenantA} (silver)", on.Message, StringComparison.Ordinal);
        Assert.Contains("limit 100 -> ", on.Message, StringComparison.Ordinal);

        // Released exactly at the end of the cool-down, logged once, gauge back to 0.
        Assert.True(beforeCooldown.Throttled);
        Assert.False(afterCooldown.Throttled);
        Assert.Equal(100, afterCooldown.EffectiveMaxQps);
        Assert.Equal(0, gaugeAfter);
        var off = Assert.Single(gateway.Logs.Entries, e => e.EventId.Id == 421);
        output.WriteLine(off.Message);
        Assert.EndsWith("-> 100 req/s", off.Message, StringComparison.Ordinal);
    }

    private static async Task<AdminView> AdminAsync(GatewayInstance gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/tiers/{TenantA}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Admin());
        using var response = await gateway.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        return new AdminView(root.GetProperty("throttled").GetBoolean(), root.GetProperty("hot").GetBoolean(), root.GetProperty("effective_max_qps").GetDouble());
    }

    private static async Task<double> GaugeAsync(GatewayInstance gateway) =>
        PrometheusText.Value(await gateway.ScrapeAsync(), "gateway_tenant_auto_throttled", ("tenant", TenantA));

    private sealed record AdminView(bool Throttled, bool Hot, double EffectiveMaxQps);
}
