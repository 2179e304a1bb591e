using System.Net;
using System.Text;
using RagBackendSim;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Caching;

/// <summary>Hit against miss latency through the real gateway, Redis and the simulated RAG backend (median service time 20 ms).</summary>
[Collection(TimingCollection.Name)]
public sealed class CacheLatencyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Samples = 200;
    private readonly RedisServerFixture _redis = CreateServer();

    public Task InitializeAsync() => _redis.StartAsync();

    public Task DisposeAsync() => _redis.StopAsync();

    [Fact]
    public async Task Proxy_TwoHundredHitsAndMisses_HitMedianFarBelowMissMedian()
    {
        // Arrange
        await using var backend = RagBackend.Create(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await backend.StartAsync();
        var backendUrl = backend.Urls.First();
        var id = Guid.NewGuid().ToString("N")[..10];
        var config = CacheGateway.Config(id, _redis.ConnectionString, redisOperationTimeoutMs: 50)
            .WithRoute("rag", "/query", backendUrl, new Dictionary<string, string> { ["Cache"] = "true" });
        await using var gateway = await GatewayInstance.StartAsync(config);
        var token = CacheGateway.Token("a-" + id);
        for (var i = 0; i < 20; i++)
        {
            await SendAsync(gateway, token, $"warm-up {i}");
        }

        // Act: the first pass misses, the second hits (a lookup over its 50 ms budget on a busy machine bypasses instead).
        var first = new List<(string? Cache, double Ms)>();
        for (var i = 0; i < Samples; i++)
        {
            first.Add(await SendAsync(gateway, token, $"question {i}"));
        }

        var second = new List<(string? Cache, double Ms)>();
        for (var i = 0; i < Samples; i++)
        {
            second.Add(await SendAsync(gateway, token, $"question {i}"));
        }

        // Assert
        var misses = first.Where(r => r.Cache == "MISS").Select(r => r.Ms).ToList();
        var hits = second.Where(r => r.Cache == "HIT").Select(r => r.Ms).ToList();
        output.WriteLine($"{_redis.Kind}: miss median {Percentile(misses, 0.5):F2} ms p95 {Percentile(misses, 0.95):F2} ms ({misses.Count}); " +
            $"hit median {Percentile(hits, 0.5):F2} ms p95 {Percentile(hits, 0.95):F2} ms ({hits.Count})");
        Assert.True(misses.Count >= Samples * 0.9, $"{misses.Count} misses");
        Assert.True(hits.Count >= Samples * 0.9, $"{hits.Count} hits");
        Assert.True(Percentile(hits, 0.5) * 3 < Percentile(misses, 0.5), "a hit should cost a fraction of a backend round trip");
    }

    private static async Task<(string? Cache, double Ms)> SendAsync(GatewayInstance gateway, string token, string query)
    {
        using var request = GatewayInstance.Request(HttpMethod.Post, "/query", token);
        request.Content = new StringContent($"{{\"query\":\"{query}\",\"top_k\":3}}", Encoding.UTF8, "application/json");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await gateway.Client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null, elapsed);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
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
