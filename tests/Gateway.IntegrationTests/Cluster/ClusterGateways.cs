using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.IntegrationTests.Caching;
using Gateway.IntegrationTests.Throttling;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// Several in-process gateway nodes sharing one Redis Cluster, in front of one WireMock upstream that echoes the
/// forwarded <c>X-Tenant-Id</c> in its JSON body, so every answer says whose it is. Routes: <c>/c/**</c> cached,
/// anything else plain. A load balancer is played by the tests: they pick the node of each request.
/// </summary>
internal sealed class ClusterGateways : IAsyncDisposable
{
    /// <summary>Gateway nodes started by default.</summary>
    public const int NodeCount = 3;

    /// <summary>Tier with a limit far above what the tests send: for cache behaviour.</summary>
    public const string CachedTier = "cluster-cached";

    /// <summary>Tier for traffic under a limit that must hold across nodes.</summary>
    public const string SteadyTier = "cluster-steady";

    /// <summary><see cref="SteadyTier"/>'s shared limit (req/s); each node falls back to a third of it.</summary>
    public const int SteadyQps = 90;

    /// <summary><see cref="SteadyTier"/>'s burst.</summary>
    public const int SteadyBurst = 30;

    private readonly List<GatewayInstance> _nodes;
    private readonly GatewayConfigBuilder _config;

    private ClusterGateways(WireMockServer upstream, List<GatewayInstance> nodes, GatewayConfigBuilder config)
    {
        Upstream = upstream;
        _nodes = nodes;
        _config = config;
    }

    /// <summary>The upstream every node forwards to.</summary>
    public WireMockServer Upstream { get; }

    /// <summary>Node <paramref name="index"/>.</summary>
    public GatewayInstance this[int index] => _nodes[index];

    /// <summary>The nodes still running, in start order.</summary>
    public IReadOnlyList<GatewayInstance> Nodes => _nodes;

    /// <summary>
    /// Starts <paramref name="count"/> nodes with the same configuration (the cluster tiers, <paramref name="configure"/>'s
    /// additions, <c>ExpectedNodes</c> = <paramref name="count"/>) and waits until each one decides limits in Redis.
    /// </summary>
    public static async Task<ClusterGateways> StartAsync(RedisClusterFixture cluster, Action<GatewayConfigBuilder> configure, int count = NodeCount)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(configure);
        var upstream = WireMockUpstream.Start();
        upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody("{\"tenant\":\"{{request.headers.X-Tenant-Id}}\",\"path\":\"{{request.path}}\"}").WithTransformer());
        var config = new GatewayConfigBuilder()
            .WithTier(CachedTier, timeoutMs: 5000, cacheTtlSeconds: 1800, maxQps: 5000, cacheQuota: "10MB")
            .WithTier(SteadyTier, timeoutMs: 5000, cacheTtlSeconds: 1800, maxQps: SteadyQps, cacheQuota: "10MB")
            .With($"Gateway:Tiers:{SteadyTier}:Burst", SteadyBurst)
            .WithRedis(cluster.Configuration)
            // Budgets generous for a shared two-core machine (production: 50 ms and 20 ms), so a starved test process
            // does not look like a failing master: these tests tell "decided in Redis" from "fell back" per answer.
            .With("Gateway:Redis:OperationTimeoutMs", 200)
            .With("Gateway:Throttling:RedisBudgetMs", 100)
            .With("Gateway:Throttling:ExpectedNodes", count)
            .WithRoute("cached", "/c/{**rest}", upstream.Url!, new Dictionary<string, string> { ["Cache"] = "true" })
            .WithRoute("plain", "/{**catch-all}", upstream.Url!);
        configure(config);

        var nodes = new List<GatewayInstance>();
        var gateways = new ClusterGateways(upstream, nodes, config);
        try
        {
            for (var i = 0; i < count; i++)
            {
                nodes.Add(await GatewayInstance.StartAsync(config));
            }

            foreach (var node in nodes)
            {
                await AccuracyRun.WaitForSharedLimiterAsync(node);
            }
        }
        catch
        {
            await gateways.DisposeAsync();
            throw;
        }

        return gateways;
    }

    /// <summary>
    /// Waits until every node has decided an admission of <paramref name="tenant"/> in Redis (the <c>RateLimit-Policy</c>
    /// quota is the tier's, not this node's fallback share), i.e. each node reaches the master holding the tenant.
    /// Sends a few requests, so call it before a measurement starts, not during.
    /// </summary>
    public async Task WaitUntilSharedAsync(string tenant, int tierQps)
    {
        var token = TestTokens.For(tenant);
        foreach (var node in _nodes)
        {
            var policy = await Poll.UntilAsync(
                async () =>
                {
                    using var response = await node.GetAsync($"/warm/{tenant}", token);
                    return response.Headers.TryGetValues("RateLimit-Policy", out var values) ? values.Single() : "";
                },
                p => SharedQuota(p, tierQps),
                TimeSpan.FromSeconds(15),
                TimeSpan.FromMilliseconds(100));
            Assert.True(SharedQuota(policy, tierQps), $"node {node.BaseAddress} still decides {tenant} locally: RateLimit-Policy {policy}");
        }
    }

    /// <summary>Whether a <c>RateLimit-Policy</c> value carries the shared quota <paramref name="tierQps"/> (not a node's share).</summary>
    public static bool SharedQuota(string? policy, int tierQps) =>
        policy is not null && policy.Contains(string.Create(CultureInfo.InvariantCulture, $";q={tierQps};"), StringComparison.Ordinal);

    /// <summary>A cached request (POST with a JSON query) through node <paramref name="node"/>.</summary>
    public Task<CacheAnswer> SendCachedAsync(int node, string tenant, string path) =>
        CacheGateway.SendAsync(_nodes[node].Client, path, TestTokens.For(tenant));

    /// <summary>Upstream calls for <paramref name="path"/> so far.</summary>
    public int UpstreamCalls(string path) => Upstream.LogEntries.Count(e => e.RequestMessage.Path == path);

    /// <summary><c>GET /admin/cache/metrics/{tenant}</c> through node <paramref name="node"/>, raw JSON.</summary>
    public async Task<string> CacheMetricsAsync(int node, string tenant)
    {
        using var response = await _nodes[node].GetAsync($"/admin/cache/metrics/{tenant}", TestTokens.For(tenant));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"metrics through node {node}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary><c>POST /admin/cache/invalidate</c> of <paramref name="tenant"/> through node <paramref name="node"/>.</summary>
    public async Task InvalidateAsync(int node, string tenant)
    {
        using var request = GatewayInstance.Request(HttpMethod.Post, "/admin/cache/invalidate", TestTokens.TenantAdmin(tenant));
        request.Content = new StringContent(JsonSerializer.Serialize(new { tenant_id = tenant }), Encoding.UTF8, "application/json");
        using var response = await _nodes[node].Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"invalidate through node {node}: {(int)response.StatusCode} {body}");
    }

    /// <summary>Starts one more node from the same configuration, as a scale-out would, and returns it once it decides limits in Redis.</summary>
    public async Task<GatewayInstance> StartNodeAsync()
    {
        var node = await GatewayInstance.StartAsync(_config);
        _nodes.Add(node);
        await AccuracyRun.WaitForSharedLimiterAsync(node);
        return node;
    }

    /// <summary>Stops node <paramref name="index"/> (as a pod being deleted would) and forgets it.</summary>
    public async Task StopNodeAsync(int index)
    {
        var node = _nodes[index];
        _nodes.RemoveAt(index);
        await node.DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _nodes.Clear();
        Upstream.Stop();
        Upstream.Dispose();
    }
}
