using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Caching;

/// <summary>
/// Redis stopped or stalled in the middle of traffic: no client request fails, the added latency stays bounded by
/// the per-call budget and the breaker, the admin endpoints answer 503, and caching resumes without a restart.
/// Each test runs its own Redis server so it can take it down.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class CacheResilienceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RedisServerFixture _redis = CreateServer();

    public Task InitializeAsync() => _redis.StartAsync();

    public Task DisposeAsync() => _redis.StopAsync();

    [Fact]
    public async Task Proxy_RedisStoppedMidTrafficThenRestarted_NoFailedRequestAndHitsComeBack()
    {
        // Arrange: a fast in-process upstream, so the figures show the gateway's cost and not the mock's.
        await using var upstream = await KestrelUpstream.StartAsync(AnswerAsync);
        var id = Guid.NewGuid().ToString("N")[..10];
        await using var gateway = await GatewayInstance.StartAsync(CacheGateway.Config(id, _redis.ConnectionString, redisOperationTimeoutMs: 50)
            .WithRoute("cached", "/c/{**rest}", upstream.Url, new Dictionary<string, string> { ["Cache"] = "true" }));
        var tenant = "a-" + id;
        var token = CacheGateway.Token(tenant);
        for (var i = 0; i < 20; i++)
        {
            await CacheGateway.SendAsync(gateway.Client, $"/c/warm{i}", token);
        }

        // Act: background traffic never stops; sequential probes measure each phase under the same load.
        var results = new ConcurrentQueue<(string Phase, CacheAnswer Answer)>();
        var phase = "up";
        using var stop = new CancellationTokenSource();
        var traffic = Task.WhenAll(Enumerable.Range(0, 3).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; n < 5000 && !stop.IsCancellationRequested; n++)
            {
                var startedIn = Volatile.Read(ref phase);
                var answer = await CacheGateway.SendAsync(gateway.Client, $"/c/t{worker}-{n % 20}", token);
                results.Enqueue((startedIn, answer));
            }
        })));

        // Baseline: the same requests straight to the upstream (client no-store: no Redis call at all).
        var noStore = await ProbeAsync(gateway, token, "/c/base", 60, r => r.Headers.CacheControl = CacheGateway.CacheControl("no-store"));
        await _redis.StopAsync();
        Volatile.Write(ref phase, "down");
        var outage = await ProbeAsync(gateway, token, "/c/down", 60);
        var readyWhileDown = await ReadyzCacheStatusAsync(gateway);
        var metricsWhileDown = await gateway.Client.SendAsync(GatewayInstance.Request(HttpMethod.Get, $"/admin/cache/metrics/{tenant}", token));
        using var invalidate = GatewayInstance.Request(HttpMethod.Post, "/admin/cache/invalidate", TestTokens.TenantAdmin(tenant));
        invalidate.Content = new StringContent(JsonSerializer.Serialize(new { tenant_id = tenant }), System.Text.Encoding.UTF8, "application/json");
        var invalidateWhileDown = await gateway.Client.SendAsync(invalidate);
        await _redis.StartAsync();
        Volatile.Write(ref phase, "restarted");
        var clock = Stopwatch.StartNew();
        var back = await Poll.UntilAsync(
            () => CacheGateway.SendAsync(gateway.Client, "/c/after-restart", token),
            answer => answer.Cache == "HIT",
            TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(50));
        var recovery = clock.Elapsed;
        await stop.CancelAsync();
        await traffic;

        // Assert
        var all = results.ToList();
        var down = all.Where(r => r.Phase == "down").Select(r => r.Answer).ToList();
        var outageTimes = outage.Select(a => a.Milliseconds).ToList();
        var baseTimes = noStore.Select(a => a.Milliseconds).ToList();
        output.WriteLine($"background requests: {all.Count} ({down.Count} started during the outage), failed: {all.Count(r => r.Answer.Status != HttpStatusCode.OK)}");
        output.WriteLine($"upstream without cache (Redis up, no-store): median {Median(baseTimes):F2} ms, max {baseTimes.Max():F2} ms");
        output.WriteLine($"Redis stopped (BYPASS): median {Median(outageTimes):F2} ms, max {outageTimes.Max():F2} ms; " +
            $"added: median {Median(outageTimes) - Median(baseTimes):F2} ms, max {outageTimes.Max() - Median(baseTimes):F2} ms");
        output.WriteLine($"hits back {recovery.TotalMilliseconds:F0} ms after Redis restarted");
        Assert.All(all, r => Assert.Equal(HttpStatusCode.OK, r.Answer.Status));
        Assert.All(outage, a => Assert.Equal((HttpStatusCode.OK, "BYPASS"), (a.Status, a.Cache)));
        Assert.All(down, a => Assert.Equal("BYPASS", a.Cache));
        Assert.True(down.Count >= 20, $"only {down.Count} background requests during the outage");
        Assert.True(outageTimes.Max() < 300, $"a request waited {outageTimes.Max():F0} ms");
        Assert.True(Median(outageTimes) < Median(baseTimes) + 10, "with Redis down the cache must cost next to nothing");
        Assert.Equal("degraded", readyWhileDown);
        await ProblemAssert.IsProblemAsync(metricsWhileDown, HttpStatusCode.ServiceUnavailable, "store-unavailable");
        await ProblemAssert.IsProblemAsync(invalidateWhileDown, HttpStatusCode.ServiceUnavailable, "store-unavailable");
        Assert.Equal("HIT", back.Cache);
        Assert.Equal("ok", await ReadyzCacheStatusAsync(gateway));
    }

    [Fact]
    public async Task Proxy_RedisStalled_LookupsBypassedWithinBudgetAndBreakerOpens()
    {
        // Arrange: a stalled server (all clients paused) answers nothing until the pause ends.
        await using var upstream = await KestrelUpstream.StartAsync(AnswerAsync);
        var id = Guid.NewGuid().ToString("N")[..10];
        await using var gateway = await GatewayInstance.StartAsync(CacheGateway.Config(id, _redis.ConnectionString, redisOperationTimeoutMs: 50)
            .WithRoute("cached", "/c/{**rest}", upstream.Url, new Dictionary<string, string> { ["Cache"] = "true" }));
        var token = CacheGateway.Token("a-" + id);
        await CacheGateway.SendAsync(gateway.Client, "/c/stall", token);
        Assert.Equal("HIT", (await CacheGateway.SendAsync(gateway.Client, "/c/stall", token)).Cache);
        var baseline = (await ProbeAsync(gateway, token, "/c/stall-up", 40, r => r.Headers.CacheControl = CacheGateway.CacheControl("no-store")))
            .Select(a => a.Milliseconds).ToList();

        // Act
        Assert.Equal("OK", await RespClient.SendAsync(_redis.Port, "CLIENT", "PAUSE", "2500", "ALL"));
        var stalled = await ProbeAsync(gateway, token, "/c/stall-down", 40);

        // Assert
        var times = stalled.Select(a => a.Milliseconds).ToList();
        output.WriteLine($"baseline median {Median(baseline):F2} ms; stalled Redis: median {Median(times):F2} ms, max {times.Max():F2} ms, " +
            $"first five {string.Join(", ", times.Take(5).Select(t => t.ToString("F1", CultureInfo.InvariantCulture)))} ms");
        Assert.All(stalled, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(stalled, a => Assert.Equal("BYPASS", a.Cache));
        Assert.True(times.Max() < 250, $"max {times.Max():F0} ms: more than one budget");
        Assert.True(Median(times) < Median(baseline) + 10, "the breaker should stop paying the budget after a few failures");
    }

    private static async Task<List<CacheAnswer>> ProbeAsync(GatewayInstance gateway, string token, string prefix, int count, Action<HttpRequestMessage>? configure = null)
    {
        var answers = new List<CacheAnswer>();
        for (var i = 0; i < count; i++)
        {
            answers.Add(await CacheGateway.SendAsync(gateway.Client, $"{prefix}{i}", token, configure: configure));
        }

        return answers;
    }

    private static Task AnswerAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($"{{\"tenant\":\"{context.Request.Headers["X-Tenant-Id"]}\",\"path\":\"{context.Request.Path}\"}}");
    }

    private static async Task<string?> ReadyzCacheStatusAsync(GatewayInstance gateway)
    {
        using var response = await gateway.GetAsync("/readyz");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("components").GetProperty("cache").GetProperty("status").GetString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private static RedisServerFixture CreateServer()
    {
        try
        {
            return RedisServerFixture.Create(RedisServerKind.RedisServer);
        }
        catch (InvalidOperationException)
        {
            return RedisServerFixture.Create(RedisServerKind.Garnet);
        }
    }
}
