using System.Net;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Telemetry;

/// <summary>
/// Drives a known mix of traffic through a real gateway and reads the counts back from <c>GET /metrics</c>.
/// In-process gateways of parallel tests share the process-wide meter listener, so every test uses tenant ids
/// of its own and asserts only on series carrying them.
/// </summary>
public sealed class MetricsScrapeTests : IAsyncLifetime
{
    private readonly string _cached = "metrics-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _limited = "metrics-" + Guid.NewGuid().ToString("N")[..8];
    private WireMockServer _upstream = null!;
    private GatewayInstance _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = WireMockUpstream.Start();
        _upstream.Given(Request.Create().WithPath("/query").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"answer\":\"ok\"}"));
        _upstream.Given(Request.Create().WithPath("/slow").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("late").WithDelay(TimeSpan.FromMilliseconds(900)));

        var config = new GatewayConfigBuilder()
            .WithRoute("query", "/query", _upstream.Url!, new Dictionary<string, string> { ["Cache"] = "true" })
            .WithRoute("slow", "/slow", _upstream.Url!)
            .WithTier("fast", timeoutMs: 10_000, maxQps: 1000)
            .WithTier("deadline", timeoutMs: 250, maxQps: 1000)
            .WithTier("tiny", timeoutMs: 10_000, maxQps: 1)
            .With("Gateway:Tiers:tiny:Burst", 1)
            .WithTenant(_cached, "fast")
            .WithTenant(_limited, "tiny")
            .WithTenant(_cached + "-slow", "deadline");
        _gateway = await GatewayInstance.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _upstream.Dispose();
    }

    [Fact]
    public async Task Metrics_KnownTrafficMix_CountsHitsMissesThrottlesTimeoutsAndSlaPerTenant()
    {
        // Arrange: what the client saw is the reference the exported counts must match exactly.
        var token = TestTokens.For(_cached);
        var slowTenant = _cached + "-slow";
        var slowToken = TestTokens.For(slowTenant);
        var limitedToken = TestTokens.For(_limited);
        var seen = new Dictionary<string, int>();

        // Act: 4 x q1 (miss then 3 hits), 1 x q2 (miss), 2 x slow (tier timeout), 6 quick requests at 1 req/s.
        foreach (var query in new[] { "q1", "q1", "q1", "q1", "q2" })
        {
            using var response = await PostQueryAsync(token, query);
            Count(seen, $"cache:{response.Headers.GetValues("X-Cache").Single()}");
        }

        for (var i = 0; i < 2; i++)
        {
            using var response = await _gateway.Client.SendAsync(GatewayInstance.Request(HttpMethod.Get, "/slow", slowToken));
            Count(seen, $"slow:{(int)response.StatusCode}");
        }

        for (var i = 0; i < 6; i++)
        {
            using var response = await PostQueryAsync(limitedToken, "limited-" + i);
            Count(seen, $"limited:{(int)response.StatusCode}");
        }

        // Assert: the client saw the intended mix...
        Assert.Equal(3, seen.GetValueOrDefault("cache:HIT"));
        Assert.Equal(2, seen.GetValueOrDefault("cache:MISS"));
        Assert.Equal(2, seen.GetValueOrDefault("slow:504"));
        var throttled = seen.GetValueOrDefault("limited:429");
        Assert.InRange(throttled, 3, 5);

        // ...and /metrics reports exactly that, per tenant (the exporter may serve a cached scrape briefly).
        var text = await Poll.UntilAsync(
            ScrapeAsync,
            t => PrometheusText.Value(t, "gateway_requests_total", ("tenant", _limited), ("outcome", "throttled")) >= throttled
                && PrometheusText.Value(t, "gateway_requests_total", ("tenant", slowTenant), ("outcome", "timeout")) >= 2,
            TimeSpan.FromSeconds(10));

        Assert.Equal(3, PrometheusText.Value(text, "gateway_cache_requests_total", ("tenant", _cached), ("result", "hit")));
        Assert.Equal(2, PrometheusText.Value(text, "gateway_cache_requests_total", ("tenant", _cached), ("result", "miss")));
        Assert.Equal(3, PrometheusText.Value(text, "gateway_requests_total", ("tenant", _cached), ("outcome", "cache_hit")));
        Assert.Equal(2, PrometheusText.Value(text, "gateway_requests_total", ("tenant", _cached), ("outcome", "ok")));
        Assert.Equal(5, PrometheusText.Value(text, "gateway_sla_requests_total", ("tenant", _cached), ("result", "within")));
        Assert.Equal(0, PrometheusText.Value(text, "gateway_sla_requests_total", ("tenant", _cached), ("result", "over")));

        Assert.Equal(2, PrometheusText.Value(text, "gateway_requests_total", ("tenant", slowTenant), ("tier", "deadline"), ("outcome", "timeout")));
        Assert.Equal(2, PrometheusText.Value(text, "gateway_sla_requests_total", ("tenant", slowTenant), ("result", "over")));
        Assert.Equal(2, PrometheusText.Value(text, "gateway_request_duration_seconds_count", ("tenant", slowTenant), ("outcome", "timeout")));

        Assert.Equal(throttled, PrometheusText.Value(text, "gateway_requests_total", ("tenant", _limited), ("tier", "tiny"), ("outcome", "throttled")));
        Assert.Equal(throttled, PrometheusText.Value(text, "gateway_throttle_rejections_total", ("tenant", _limited), ("reason", "rate_limit")));
        Assert.Equal(6 - throttled, PrometheusText.Value(text, "gateway_requests_total", ("tenant", _limited), ("outcome", "ok")));
        Assert.Equal(0.25, PrometheusText.Value(text, "gateway_tier_timeout_seconds", ("tier", "deadline")));
    }

    [Fact]
    public async Task Metrics_ThousandRandomTenantIds_AddNoTenantSeriesBeyondUnknown()
    {
        // Arrange: valid tokens for tenants that are not configured (403), and garbage tokens (401).
        var randomTenants = Enumerable.Range(0, 1000).Select(_ => "rnd-" + Guid.NewGuid().ToString("N")).ToList();

        // Act
        var statuses = new List<HttpStatusCode>();
        foreach (var chunk in randomTenants.Chunk(50))
        {
            var responses = await Task.WhenAll(chunk.Select(async (tenant, i) =>
            {
                var token = i % 2 == 0 ? TestTokens.For(tenant) : "garbage." + tenant;
                using var response = await PostQueryAsync(token, "q");
                return response.StatusCode;
            }));
            statuses.AddRange(responses);
        }

        var text = await Poll.UntilAsync(
            ScrapeAsync,
            t => PrometheusText.Value(t, "gateway_requests_total", ("tenant", "unknown"), ("outcome", "forbidden")) >= 500,
            TimeSpan.FromSeconds(10));

        // Assert: every request was refused, the refusals are counted under the single "unknown" value, and not one
        // random id became a label value.
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, s.ToString()));
        Assert.True(PrometheusText.Value(text, "gateway_requests_total", ("tenant", "unknown"), ("outcome", "unauthorized")) >= 500);
        var leaked = randomTenants.Where(t => text.Contains(t, StringComparison.Ordinal)).ToList();
        Assert.Empty(leaked);
    }

    private Task<HttpResponseMessage> PostQueryAsync(string token, string query)
    {
        var request = GatewayInstance.Request(HttpMethod.Post, "/query", token);
        request.Content = new StringContent($"{{\"query\":\"{query}\"}}", Encoding.UTF8, "application/json");
        return _gateway.Client.SendAsync(request);
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await _gateway.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static void Count(Dictionary<string, int> seen, string key) => seen[key] = seen.GetValueOrDefault(key) + 1;
}
