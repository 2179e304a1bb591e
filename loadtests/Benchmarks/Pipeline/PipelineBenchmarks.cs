using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Benchmarks.Pipeline;

/// <summary>
/// The whole gateway pipeline in one process, per request: the host's HttpContext, the edge, routing, YARP's proxy
/// pipeline and every stage, the store, and for a miss YARP's forwarder with a canned upstream (see
/// <see cref="InProcessServer"/>). <c>Store = redis</c> runs against a redis-server the benchmark starts itself.
/// The <c>empty pipeline</c> row is the harness alone: subtract it to get the gateway's own cost.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const string TierTimeoutMs = "5000";
    private static readonly byte[] HitBody = Encoding.UTF8.GetBytes("{\"query\":\"what does the platform handbook say about caching?\"}");

    private WebApplication? _app;
    private BenchConnection _connection = null!;
    private BenchConnection _empty = null!;
    private BenchRedis? _redis;
    private string _token = "";
    private string _tinyToken = "";
    private string _badToken = "";
    private byte[][] _missBodies = [];
    private int _missIndex;

    /// <summary>Where the cache and the limiter live: the embedded store or a local redis-server.</summary>
    [Params("embedded", "redis")]
    public string Store { get; set; } = "embedded";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        string? redis = null;
        if (Store == "redis")
        {
            _redis = BenchRedis.Start();
            redis = _redis.Configuration;
        }

        var configPath = Path.Combine(Path.GetTempPath(), $"gateway-bench-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(configPath, Config(redis));
        var builder = WebApplication.CreateBuilder(["--config", configPath]);
        if (Environment.GetEnvironmentVariable("BENCH_LOG") != "1")
        {
            builder.Logging.ClearProviders();
        }
        builder.AddGateway();
        builder.Services.AddSingleton<IServer, InProcessServer>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, CannedUpstream>();
        _app = builder.Build();
        _app.MapGateway();
        await _app.StartAsync();
        var server = (InProcessServer)_app.Services.GetRequiredService<IServer>();
        _connection = server.Connect();

        _token = "Bearer " + TokenCommand.Mint(Jwt, "bench", "bench-user", null, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        _tinyToken = "Bearer " + TokenCommand.Mint(Jwt, "tiny", "bench-user", null, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        var otherKey = new Config.Options.JwtOptions { Issuer = Jwt.Issuer, Audience = Jwt.Audience, SigningKey = "some-other-key-that-the-gateway-does-not-trust" };
        _badToken = "Bearer " + TokenCommand.Mint(otherKey, "bench", "bench-user", null, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
        _missBodies = Enumerable.Range(0, 1 << 20).Select(i => Encoding.UTF8.GetBytes($"{{\"query\":\"miss {Guid.NewGuid():N} {i}\"}}")).ToArray();

        await WaitUntilReadyAsync();
        await Expect(200, _token, HitBody); // stores the entry every Hit() reads
        await Expect(200, _tinyToken, HitBody); // the tiny tenant's one request per second
        Require(await Hit() == 200 && _connection.ResponseHeaders["X-Cache"] == "HIT", "the hit arm does not hit");
        Require(await Reject429() == 429, "the 429 arm is admitted");
        Require(await Reject401() == 401, "the 401 arm is not refused");
        Require(await Miss() == 200 && _connection.ResponseHeaders["X-Cache"] == "MISS", "the miss arm does not miss");

        var empty = new InProcessServer();
        await empty.StartAsync(new EmptyApplication(), CancellationToken.None);
        _empty = empty.Connect();
    }

    /// <summary>The response headers of the last request (for the check run).</summary>
    internal Microsoft.AspNetCore.Http.IHeaderDictionary LastResponseHeaders => _connection.ResponseHeaders;

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _redis?.Dispose();
    }

    [Benchmark(Description = "hit")]
    public ValueTask<int> Hit() => _connection.SendAsync("POST", "/query", _token, HitBody);

    [Benchmark(Description = "miss (canned upstream)")]
    public ValueTask<int> Miss() => _connection.SendAsync("POST", "/query", _token, _missBodies[_missIndex++ & (_missBodies.Length - 1)]);

    [Benchmark(Description = "429")]
    public ValueTask<int> Reject429() => _connection.SendAsync("POST", "/query", _tinyToken, HitBody);

    [Benchmark(Description = "401")]
    public ValueTask<int> Reject401() => _connection.SendAsync("POST", "/query", _badToken, HitBody);

    [Benchmark(Description = "empty pipeline (harness alone)")]
    public ValueTask<int> Empty() => _empty.SendAsync("POST", "/query", _token, HitBody);

    private static Config.Options.JwtOptions Jwt => new() { Issuer = "bench", Audience = "rag-platform", SigningKey = "bench-signing-key-0123456789abcdef0123456789" };

    private async Task Expect(int status, string token, byte[] body)
    {
        var got = await _connection.SendAsync("POST", "/query", token, body);
        Require(got == status, $"expected {status}, got {got}: {Encoding.UTF8.GetString(_connection.ResponseBody)}");
    }

    private async Task WaitUntilReadyAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            if (await _connection.SendAsync("GET", "/readyz", "", []) == 200
                && !Encoding.UTF8.GetString(_connection.ResponseBody).Contains("degraded", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"The gateway did not become ready: {_connection.LastStatus} {Encoding.UTF8.GetString(_connection.ResponseBody)}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    private static string Config(string? redis) => $$"""
        {
          "Logging": { "LogLevel": { "Default": "Warning" } },
          "Gateway": {
            "Jwt": { "Issuer": "bench", "Audience": "rag-platform", "SigningKey": "{{Jwt.SigningKey}}", "AllowSharedSecret": true },
            "Tiers": {
              "bench": { "TimeoutMs": {{TierTimeoutMs}}, "CacheTtlSeconds": 3600, "MaxQps": 1000000, "Burst": 100000, "CacheQuota": "8GB" },
              "tiny": { "TimeoutMs": {{TierTimeoutMs}}, "CacheTtlSeconds": 3600, "MaxQps": 1, "Burst": 1, "CacheQuota": "1GB" }
            },
            "Tenants": { "bench": { "Tier": "bench" }, "tiny": { "Tier": "tiny" } },
            "Redis": { "Configuration": "{{redis ?? ""}}", "OperationTimeoutMs": 1000 },
            "Throttling": { "RedisBudgetMs": 1000 },
            "Fairness": { "MaxInFlight": 4096 }
          },
          "ReverseProxy": {
            "Routes": { "rag-query": { "ClusterId": "rag", "Match": { "Path": "/query", "Methods": [ "POST" ] }, "Metadata": { "Cache": "true" } } },
            "Clusters": { "rag": { "Destinations": { "backend": { "Address": "http://upstream.bench/" } } } }
          }
        }
        """;

    /// <summary>An application that answers nothing: the harness's own cost per request.</summary>
    private sealed class EmptyApplication : IHttpApplication<Microsoft.AspNetCore.Http.HttpContext>
    {
        private readonly Microsoft.AspNetCore.Http.DefaultHttpContextFactory _factory = new(new ServiceCollection().AddOptions().BuildServiceProvider());

        public Microsoft.AspNetCore.Http.HttpContext CreateContext(Microsoft.AspNetCore.Http.Features.IFeatureCollection contextFeatures) => _factory.Create(contextFeatures);

        public Task ProcessRequestAsync(Microsoft.AspNetCore.Http.HttpContext context) => Task.CompletedTask;

        public void DisposeContext(Microsoft.AspNetCore.Http.HttpContext context, Exception? exception) => _factory.Dispose(context);
    }
}
