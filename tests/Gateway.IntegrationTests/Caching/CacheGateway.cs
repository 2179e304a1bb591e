using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Hosting;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Caching;

/// <summary>One answer as a cache test sees it.</summary>
public sealed record CacheAnswer(HttpStatusCode Status, string? Cache, long? Age, bool Coalesced, string Body, double Milliseconds)
{
    /// <summary>The <c>tenant</c> field of the upstream's JSON answer.</summary>
    public string? Tenant => Json("tenant");

    /// <summary>The <c>path</c> field of the upstream's JSON answer.</summary>
    public string? Path => Json("path");

    private string? Json(string field)
    {
        try
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.TryGetProperty(field, out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// A gateway with the cache wired as in production, in front of a WireMock upstream that answers each tenant with
/// <c>{"tenant": ..., "path": ...}</c>. Tenants are unique to the instance, so tests sharing one Redis never share
/// entries or counters. Routes: <c>/c/**</c> cached (tenant scope), <c>/u/**</c> cached per user, <c>/p/**</c> not cached.
/// </summary>
public sealed class CacheGateway : IAsyncDisposable
{
    /// <summary>The <c>Host</c> every cache test request carries, whichever node (port) it goes to.</summary>
    public const string LoadBalancedHost = "gateway.test";

    /// <summary>Entry cap configured for the test gateway.</summary>
    public const int MaxEntryBytes = 4096;

    /// <summary>Request body cap for keys configured for the test gateway.</summary>
    public const int MaxRequestBodyBytes = 2048;

    /// <summary>Quota of the <see cref="TenantTiny"/> tier.</summary>
    public const long TinyQuotaBytes = 8 * 1024;

    private readonly bool _ownsUpstream;

    private CacheGateway(GatewayInstance gateway, WireMockServer upstream, string id, bool ownsUpstream)
    {
        Gateway = gateway;
        Upstream = upstream;
        Id = id;
        _ownsUpstream = ownsUpstream;
        TenantA = "a-" + id;
        TenantB = "b-" + id;
        TenantShort = "short-" + id;
        TenantTiny = "tiny-" + id;
        TenantStrict = "strict-" + id;
    }

    /// <summary>Suffix of the tenant ids; pass it to a second instance to share tenants.</summary>
    public string Id { get; }

    /// <summary>The gateway.</summary>
    public GatewayInstance Gateway { get; }

    /// <summary>The upstream.</summary>
    public WireMockServer Upstream { get; }

    /// <summary>Tenant of tier <c>test</c> (5 s budget, 30 min TTL, 10 GB).</summary>
    public string TenantA { get; }

    /// <summary>Second tenant of tier <c>test</c>.</summary>
    public string TenantB { get; }

    /// <summary>Tenant of tier <c>brief</c> (1 s TTL).</summary>
    public string TenantShort { get; }

    /// <summary>Tenant of tier <c>tiny</c> (8 KB quota).</summary>
    public string TenantTiny { get; }

    /// <summary>Tenant of tier <c>strict</c> (300 ms budget).</summary>
    public string TenantStrict { get; }

    /// <summary>
    /// Builds the test configuration; <paramref name="redis"/> empty means the embedded store. Budgets are generous
    /// (5 s tiers, 500 ms per Redis call) because these tests run in parallel on two cores and are about caching,
    /// not deadlines; the resilience and latency tests pass the production Redis budget.
    /// </summary>
    public static GatewayConfigBuilder Config(string id, string? redis, int redisOperationTimeoutMs = 500) => new GatewayConfigBuilder()
        .WithTier("test", timeoutMs: 5000, cacheTtlSeconds: 1800, maxQps: 5000, cacheQuota: "10GB")
        .WithTier("brief", timeoutMs: 5000, cacheTtlSeconds: 1, maxQps: 5000, cacheQuota: "10GB")
        .WithTier("tiny", timeoutMs: 5000, cacheTtlSeconds: 1800, maxQps: 5000, cacheQuota: "8KB")
        .WithTier("strict", timeoutMs: 300, cacheTtlSeconds: 1800, maxQps: 5000, cacheQuota: "10GB")
        .WithTenant("a-" + id, "test")
        .WithTenant("b-" + id, "test")
        .WithTenant("short-" + id, "brief")
        .WithTenant("tiny-" + id, "tiny")
        .WithTenant("strict-" + id, "strict")
        .WithRedis(redis ?? "")
        .With("Gateway:Redis:OperationTimeoutMs", redisOperationTimeoutMs)
        .With("Gateway:Throttling:Enabled", false)
        .With("Gateway:Cache:MaxEntryBytes", MaxEntryBytes)
        .With("Gateway:Cache:MaxRequestBodyBytes", MaxRequestBodyBytes)
        .With("Gateway:Cache:VaryHeaders", new JsonArray("Accept-Language"));

    /// <summary>Starts WireMock and a gateway; <paramref name="redis"/> null or empty selects the embedded store.</summary>
    /// <param name="redis">Redis configuration; null or empty for the embedded store.</param>
    /// <param name="sharedUpstream">An upstream another instance already answers from (for a second node).</param>
    /// <param name="id">The tenant suffix to share with another instance.</param>
    /// <param name="configure">Further configuration (more routes, other settings).</param>
    /// <param name="configureServices">Service replacements, run after <c>AddGateway()</c>.</param>
    public static async Task<CacheGateway> StartAsync(
        string? redis,
        WireMockServer? sharedUpstream = null,
        string? id = null,
        Action<GatewayConfigBuilder, string>? configure = null,
        Action<IServiceCollection>? configureServices = null)
    {
        id ??= Guid.NewGuid().ToString("N")[..10];
        var upstream = sharedUpstream ?? WireMockUpstream.Start();
        var config = Config(id, redis)
            .WithRoute("cached", "/c/{**rest}", upstream.Url!, new Dictionary<string, string> { ["Cache"] = "true" })
            .WithRoute("user", "/u/{**rest}", upstream.Url!, new Dictionary<string, string> { ["Cache"] = "true", ["CacheScope"] = "user" })
            .WithRoute("plain", "/p/{**rest}", upstream.Url!);
        configure?.Invoke(config, upstream.Url!);
        var gateway = await GatewayInstance.StartAsync(config, configureServices);
        var instance = new CacheGateway(gateway, upstream, id, ownsUpstream: sharedUpstream is null);
        if (sharedUpstream is null)
        {
            instance.AnswerPerTenant();
        }

        return instance;
    }

    /// <summary>Default upstream behaviour: 200 JSON naming the tenant header and the path it was asked for.</summary>
    public void AnswerPerTenant()
    {
        foreach (var tenant in new[] { TenantA, TenantB, TenantShort, TenantTiny, TenantStrict })
        {
            Upstream.Given(Request.Create().UsingAnyMethod().WithHeader("X-Tenant-Id", tenant)).AtPriority(100)
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody("{\"tenant\":\"" + tenant + "\",\"path\":\"{{request.path}}\"}").WithTransformer());
        }
    }

    /// <summary>A token of <paramref name="tenant"/> (subject <c>user@tenant</c> unless given).</summary>
    public static string Token(string tenant, string? subject = null) =>
        subject is null ? TestTokens.For(tenant) : TokenCommand.Mint(TestTokens.Jwt, tenant, subject, null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

    /// <summary>Requests the upstream received for <paramref name="path"/>.</summary>
    public int UpstreamCalls(string path) => Upstream.LogEntries.Count(e => e.RequestMessage.Path == path);

    /// <summary>Sends a POST (or <paramref name="method"/>) with a JSON query body and reads the cache headers.</summary>
    public Task<CacheAnswer> SendAsync(string path, string token, string? body = "{\"query\":\"what is isolation\"}", HttpMethod? method = null, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(Gateway.Client, path, token, body, method, configure);

    /// <summary><see cref="SendAsync(string, string, string?, HttpMethod?, Action{HttpRequestMessage}?)"/> on a given client.</summary>
    public static async Task<CacheAnswer> SendAsync(HttpClient client, string path, string token, string? body = "{\"query\":\"what is isolation\"}", HttpMethod? method = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = GatewayInstance.Request(method ?? (body is null ? HttpMethod.Get : HttpMethod.Post), path, token);

        // The Host is part of the cache key; behind a load balancer every node sees the same one, so the test nodes do too.
        request.Headers.Host = LoadBalancedHost;
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        response.Headers.TryGetValues("X-Cache", out var cache);
        response.Headers.TryGetValues("X-Cache-Coalesced", out var coalesced);
        return new CacheAnswer(response.StatusCode, cache?.SingleOrDefault(), (long?)response.Headers.Age?.TotalSeconds, coalesced is not null, text, elapsed);
    }

    /// <summary>Reads <c>GET /admin/cache/metrics/{tenant}</c> with the tenant's own token.</summary>
    public async Task<JsonElement> CacheMetricsAsync(string tenant, HttpClient? client = null)
    {
        using var response = await (client ?? Gateway.Client).SendAsync(GatewayInstance.Request(HttpMethod.Get, $"/admin/cache/metrics/{tenant}", Token(tenant)));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"metrics: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary><c>POST /admin/cache/invalidate</c> with a raw body.</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> InvalidateAsync(string? token, string body, HttpClient? client = null)
    {
        var request = GatewayInstance.Request(HttpMethod.Post, "/admin/cache/invalidate", token);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await (client ?? Gateway.Client).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text, response);
    }

    /// <summary>Invalidates <paramref name="tenant"/> with its own token and asserts success.</summary>
    public async Task<JsonElement> InvalidateTenantAsync(string tenant, HttpClient? client = null)
    {
        var (status, body, response) = await InvalidateAsync(TestTokens.TenantAdmin(tenant), JsonSerializer.Serialize(new { tenant_id = tenant }), client);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"invalidate: {(int)status} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        if (_ownsUpstream)
        {
            Upstream.Stop();
            Upstream.Dispose();
        }
    }

    /// <summary>Adds an upstream mapping for exactly <paramref name="path"/>, ahead of the per-tenant default.</summary>
    public void Map(string path, Func<IResponseBuilder, IResponseBuilder> respond) =>
        Upstream.Given(Request.Create().WithPath(path).UsingAnyMethod()).AtPriority(1)
            .RespondWith(respond(Response.Create()));

    /// <summary>Parsed <c>Cache-Control</c> for a request.</summary>
    public static CacheControlHeaderValue CacheControl(string value) => CacheControlHeaderValue.Parse(value);
}
