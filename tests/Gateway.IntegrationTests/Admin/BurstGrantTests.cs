using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Admin;

/// <summary>
/// <c>POST/DELETE /admin/tenants/{tenant}/burst</c> against a real redis-server: a grant made through one node raises the
/// tenant's limit on the other (admin view, <c>RateLimit-Policy</c>, metric), ends early on DELETE and by itself on expiry;
/// the tier's <c>MaxBurstFactor</c> caps it and only the platform admin scope may grant.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class BurstGrantTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const string Tenant = GatewayConfigBuilder.GoldTenant;   // gold: 500 req/s
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(5);

    private WireMockServer _upstream = null!;

    public async Task InitializeAsync()
    {
        await redis.StartAsync();
        _upstream = WireMockUpstream.Start();
        _upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("upstream-ok"));
    }

    public Task DisposeAsync()
    {
        _upstream.Stop();
        _upstream.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Grant_ThroughOneNode_SecondNodeAppliesItUntilEnded()
    {
        // Arrange: two nodes sharing one redis-server.
        await using var first = await StartAsync(redis.ConnectionString);
        await using var second = await StartAsync(redis.ConnectionString);
        await EndAsync(first);   // the server outlives tests: start without a grant left by another

        // Act: grant x2 through the first node.
        using var granted = await SendAsync(first, HttpMethod.Post, TestTokens.Admin(), new { factor = 2, duration_seconds = 600 });
        var grantBody = await BodyAsync(granted);

        // Assert: the answer, then the second node's admin view, RateLimit-Policy and metric.
        Assert.Equal(1000, grantBody.GetProperty("effective_max_qps").GetDouble());
        Assert.Equal(2, grantBody.GetProperty("burst").GetProperty("factor").GetDouble());
        var tier = await Poll.UntilAsync(() => second.TierAsync(Tenant),
            t => t.GetProperty("effective_max_qps").GetDouble() == 1000, Propagation);
        Assert.Equal(1000, tier.GetProperty("effective_max_qps").GetDouble());
        Assert.Equal("operator", tier.GetProperty("burst").GetProperty("granted_by").GetString());
        Assert.Equal("\"gold\";q=1000;w=1", await PolicyHeaderAsync(second));

        // Act: end it through the second node.
        using var ended = await SendAsync(second, HttpMethod.Delete, TestTokens.Admin());
        var endBody = await BodyAsync(ended);

        // Assert: the first node is back to the tier's limit.
        Assert.Equal(JsonValueKind.Null, endBody.GetProperty("burst").ValueKind);
        var after = await Poll.UntilAsync(() => first.TierAsync(Tenant),
            t => t.GetProperty("burst").ValueKind == JsonValueKind.Null, Propagation);
        Assert.Equal(500, after.GetProperty("effective_max_qps").GetDouble());
        Assert.Equal("\"gold\";q=500;w=1", await PolicyHeaderAsync(first));
    }

    [Fact]
    public async Task Grant_ShortDuration_ExpiresByItselfOnEveryNode()
    {
        // Arrange
        await using var first = await StartAsync(redis.ConnectionString);
        await using var second = await StartAsync(redis.ConnectionString);
        await EndAsync(first);

        // Act: a two-second grant.
        using var granted = await SendAsync(first, HttpMethod.Post, TestTokens.Admin(), new { factor = 1.5, duration_seconds = 2 });
        await BodyAsync(granted);
        var during = await Poll.UntilAsync(() => second.TierAsync(Tenant),
            t => t.GetProperty("burst").ValueKind != JsonValueKind.Null, Propagation);

        // Assert: seen while in force, gone on both nodes afterwards without anyone ending it.
        Assert.Equal(750, during.GetProperty("effective_max_qps").GetDouble());
        foreach (var node in new[] { first, second })
        {
            var after = await Poll.UntilAsync(() => node.TierAsync(Tenant),
                t => t.GetProperty("burst").ValueKind == JsonValueKind.Null, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
            Assert.Equal(500, after.GetProperty("effective_max_qps").GetDouble());
        }
    }

    [Fact]
    public async Task Grant_WithoutRedis_HeldByTheEmbeddedStore()
    {
        // Arrange
        await using var gateway = await StartAsync(redisConfiguration: "");

        // Act
        using var granted = await SendAsync(gateway, HttpMethod.Post, TestTokens.Admin(), new { factor = 2, duration_seconds = 60 });
        await BodyAsync(granted);

        // Assert
        Assert.Equal(1000, (await gateway.TierAsync(Tenant)).GetProperty("effective_max_qps").GetDouble());
        Assert.Equal("\"gold\";q=1000;w=1", await PolicyHeaderAsync(gateway));
    }

    [Theory]
    [InlineData(2.5, 600)]   // above the tier's MaxBurstFactor (2 by default)
    [InlineData(1, 600)]     // not a raise
    [InlineData(2, 0)]       // no duration
    [InlineData(2, 86_401)]  // longer than a day
    public async Task Grant_OutOfBounds_Returns400AndChangesNothing(double factor, int duration)
    {
        // Arrange
        await using var gateway = await StartAsync(redisConfiguration: "");

        // Act
        using var response = await SendAsync(gateway, HttpMethod.Post, TestTokens.Admin(), new { factor, duration_seconds = duration });

        // Assert
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-request");
        Assert.Equal(500, (await gateway.TierAsync(Tenant)).GetProperty("effective_max_qps").GetDouble());
    }

    [Fact]
    public async Task Grant_TierMaxBurstFactorRaised_AcceptsTheHigherFactor()
    {
        // Arrange
        await using var gateway = await StartAsync(redisConfiguration: "", maxBurstFactor: 4);

        // Act
        using var response = await SendAsync(gateway, HttpMethod.Post, TestTokens.Admin(), new { factor = 4, duration_seconds = 60 });

        // Assert
        Assert.Equal(2000, (await BodyAsync(response)).GetProperty("effective_max_qps").GetDouble());
    }

    [Fact]
    public async Task GrantAndEnd_TenantAdminToken_Return403()
    {
        // Arrange: the tenant's own admin token may invalidate its cache, but not raise its own limit.
        await using var gateway = await StartAsync(redisConfiguration: "");
        var token = TestTokens.TenantAdmin(Tenant);

        // Act
        using var grant = await SendAsync(gateway, HttpMethod.Post, token, new { factor = 2, duration_seconds = 60 });
        using var end = await SendAsync(gateway, HttpMethod.Delete, token);

        // Assert
        await ProblemAssert.IsProblemAsync(grant, HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(end, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(500, (await gateway.TierAsync(Tenant)).GetProperty("effective_max_qps").GetDouble());
    }

    private Task<GatewayInstance> StartAsync(string redisConfiguration, double? maxBurstFactor = null)
    {
        var config = new GatewayConfigBuilder().WithUpstream(_upstream.Url!).WithRelaxedTimeouts().WithRedis(redisConfiguration);
        if (maxBurstFactor is { } max)
        {
            config.With("Gateway:Tiers:gold:MaxBurstFactor", max);
        }

        return GatewayInstance.StartAsync(config);
    }

    private static async Task<HttpResponseMessage> SendAsync(GatewayInstance gateway, HttpMethod method, string token, object? body = null)
    {
        var request = GatewayInstance.Request(method, $"/admin/tenants/{Tenant}/burst", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using (request)
        {
            return await gateway.Client.SendAsync(request);
        }
    }

    private static async Task EndAsync(GatewayInstance gateway)
    {
        using var response = await SendAsync(gateway, HttpMethod.Delete, TestTokens.Admin());
        await BodyAsync(response);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static async Task<string?> PolicyHeaderAsync(GatewayInstance gateway)
    {
        using var response = await gateway.GetAsync("/burst-probe", TestTokens.For(Tenant));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.TryGetValues("RateLimit-Policy", out var values) ? values.Single() : null;
    }
}

/// <summary>
/// The <c>gateway.tenant.burst_factor</c> gauge follows a grant and its end. In <see cref="TimingCollection"/>: <c>/metrics</c>
/// aggregates every gateway alive in the test process, so no other may run meanwhile.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class BurstGrantMetricTests
{
    [Fact]
    public async Task BurstFactorGauge_GrantThenEnd_ReadsFactorThenOne()
    {
        // Arrange
        const string tenant = GatewayConfigBuilder.GoldTenant;
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder());
        var before = await GaugeAsync(gateway, tenant);

        // Act
        using (var grant = GatewayInstance.Request(HttpMethod.Post, $"/admin/tenants/{tenant}/burst", TestTokens.Admin()))
        {
            grant.Content = JsonContent.Create(new { factor = 1.5, duration_seconds = 60 });
            using var response = await gateway.Client.SendAsync(grant);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The exporter caches a scrape for a moment: poll.
        var during = await Poll.UntilAsync(() => GaugeAsync(gateway, tenant), v => v != 1, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        using (var end = await gateway.Client.SendAsync(GatewayInstance.Request(HttpMethod.Delete, $"/admin/tenants/{tenant}/burst", TestTokens.Admin())))
        {
            Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        }

        var after = await Poll.UntilAsync(() => GaugeAsync(gateway, tenant), v => v != 1.5, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));

        // Assert
        Assert.Equal((1, 1.5, 1), (before, during, after));
    }

    private static async Task<double> GaugeAsync(GatewayInstance gateway, string tenant) =>
        PrometheusText.Value(await gateway.ScrapeMetricsAsync(), "gateway_tenant_burst_factor", ("tenant", tenant));
}
