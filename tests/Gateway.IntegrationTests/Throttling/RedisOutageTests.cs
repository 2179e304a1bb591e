using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Throttling;

/// <summary>
/// Redis down: each node falls back to its local limit (tier rate / <c>ExpectedNodes</c>), counts the fallback and never
/// answers 5xx because of the limiter. Redis back: the nodes count together again.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class RedisOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RedisServerFixture _redis = RedisServerFixture.Create(RedisServerKind.RedisServer);

    public Task InitializeAsync() => _redis.StartAsync();

    public Task DisposeAsync() => _redis.StopAsync();

    [Fact]
    public async Task Admission_RedisStopped_PerNodeLimitsHoldWithoutServerErrors()
    {
        // Arrange: two nodes, ExpectedNodes = 2, so each falls back to 25 req/s (burst 2) of the tenant's 50.
        const string tenant = "outage-split";
        await using var upstream = await ThrottlingTestGateway.StartFastUpstreamAsync();
        var config = AccuracyRun.Config(upstream, tenant, _redis.ConnectionString, expectedNodes: 2);
        await using var first = await GatewayInstance.StartAsync(config);
        await using var second = await GatewayInstance.StartAsync(config);
        await AccuracyRun.WaitForSharedLimiterAsync(first);
        await AccuracyRun.WaitForSharedLimiterAsync(second);

        // Act
        await _redis.StopAsync();
        var run = await AccuracyRun.MeasureAsync([first, second], tenant, "two nodes, Redis stopped", output);

        // Assert: no 5xx, every answer 200 or 429.
        Assert.All(run.Sent, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"request {r.Index}: {(int)r.Status}"));

        // Each node holds its local share: 25 × D + 2.
        var perNodeExpected = (AccuracyRun.MaxQps / 2.0 * run.Span) + (AccuracyRun.Burst / 2);
        for (var node = 0; node < 2; node++)
        {
            var mine = run.Sent.Where(r => r.Index % 2 == node).ToList();
            var admitted = mine.Count(r => r.Status == HttpStatusCode.OK);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"node {node}: admitted {admitted} of {mine.Count}, local limit expects 25 x {run.Span:F3} + 2 = {perNodeExpected:F1}; policy {mine[^1].RateLimitPolicy}"));
            Assert.InRange(admitted, perNodeExpected * 0.95, perNodeExpected * 1.05);
            Assert.All(mine, r => Assert.Equal("\"metered\";q=25;w=1", r.RateLimitPolicy));
        }

        // Both in-process gateways export every "TenantGateway" meter of the process (OpenTelemetry subscribes by
        // meter name), so one scrape shows the two nodes' fallbacks together: every decision of the run is one.
        var fallbacks = await AccuracyRun.FallbacksAsync(first, tenant);
        output.WriteLine($"fallback decisions counted (both nodes): {fallbacks} for {run.Sent.Count} requests");
        Assert.InRange(fallbacks, run.Sent.Count, run.Sent.Count * AccuracyRun.MaxAttempts);

        var latencies = run.Sent.Select(r => r.LatencyMs).Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency with Redis down: p50 {latencies[latencies.Count / 2]:F1} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:F1} ms, max {latencies[^1]:F1} ms"));
    }

    [Fact]
    public async Task Admission_RedisRestarted_SharedCountingResumes()
    {
        // Arrange: ExpectedNodes = 1, so two nodes on local limits admit twice the rate and the return to shared
        // counting is unmistakable.
        const string tenant = "outage-resume";
        await using var upstream = await ThrottlingTestGateway.StartFastUpstreamAsync();
        var config = AccuracyRun.Config(upstream, tenant, _redis.ConnectionString, expectedNodes: 1);
        await using var first = await GatewayInstance.StartAsync(config);
        await using var second = await GatewayInstance.StartAsync(config);
        await AccuracyRun.WaitForSharedLimiterAsync(first);
        await AccuracyRun.WaitForSharedLimiterAsync(second);
        await _redis.StopAsync();
        var down = await AccuracyRun.SendAsync([first, second], tenant);
        var admittedWhileDown = down.Count(r => r.Status == HttpStatusCode.OK);
        output.WriteLine($"Redis down, two local limits of 50 req/s: admitted {admittedWhileDown} of {down.Count}");

        // Act
        var restarted = System.Diagnostics.Stopwatch.StartNew();
        await _redis.StartAsync();
        await AccuracyRun.WaitForSharedLimiterAsync(first);
        await AccuracyRun.WaitForSharedLimiterAsync(second);
        output.WriteLine($"both nodes back on the shared limiter {restarted.ElapsedMilliseconds} ms after Redis restarted");
        // One scrape shows both in-process nodes (see the other test).
        var fallbacksBefore = await AccuracyRun.FallbacksAsync(first, tenant);
        var run = await AccuracyRun.MeasureAsync([first, second], tenant, "two nodes, Redis restarted", output);

        // Assert
        Assert.True(admittedWhileDown > 1.5 * run.Expected, $"while down each node should admit its own 50 req/s ({admittedWhileDown})");
        run.AssertWithinFivePercent();
        var newFallbacks = await AccuracyRun.FallbacksAsync(first, tenant) - fallbacksBefore;
        output.WriteLine($"fallback decisions after the restart: {newFallbacks}");
        Assert.InRange(newFallbacks, 0, AccuracyRun.TolerableFallbacks);
    }
}
