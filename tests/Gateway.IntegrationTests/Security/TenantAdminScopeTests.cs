using System.Net;
using System.Text;
using System.Text.Json;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// Attack: any user of a tenant keeps the tenant's cache cold by invalidating it over and over, pushing the tenant's
/// load onto the shared backend. Writes on a tenant need the tenant-admin scope (or the platform scope) and are
/// rate-limited per tenant; reads of a tenant's own figures stay open to its tokens.
/// </summary>
public sealed class TenantAdminScopeTests
{
    private const string Tenant = GatewayConfigBuilder.GoldTenant;
    private const string Other = GatewayConfigBuilder.SilverTenant;

    [Fact]
    public async Task Attack_OrdinaryUserInvalidatesOwnTenant_Refused403AndCacheStaysWarm()
    {
        // Arrange
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("answer"));
        await using var gateway = await StartAsync(upstream.Url);
        var user = TestTokens.For(Tenant);
        await SendCachedAsync(gateway, user);

        // Act
        using var invalidate = await InvalidateAsync(gateway, user, Tenant);
        var afterwards = await SendCachedAsync(gateway, user);

        // Assert
        var problem = await ProblemAssert.IsProblemAsync(invalidate, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("gateway:tenant-admin", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("HIT", afterwards);
    }

    [Fact]
    public async Task TenantAdmin_InvalidatesOwnTenant_AllowedAndNextRequestMisses()
    {
        // Arrange
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("answer"));
        await using var gateway = await StartAsync(upstream.Url);
        var user = TestTokens.For(Tenant);
        await SendCachedAsync(gateway, user);

        // Act
        using var invalidate = await InvalidateAsync(gateway, TestTokens.TenantAdmin(Tenant), Tenant);
        var afterwards = await SendCachedAsync(gateway, user);

        // Assert
        Assert.Equal(HttpStatusCode.OK, invalidate.StatusCode);
        Assert.Equal("MISS", afterwards);
    }

    [Fact]
    public async Task Attack_TenantAdminInvalidatesAnotherTenant_Refused403()
    {
        // Arrange
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("answer"));
        await using var gateway = await StartAsync(upstream.Url);

        // Act
        using var invalidate = await InvalidateAsync(gateway, TestTokens.TenantAdmin(Other), Tenant);

        // Assert
        await ProblemAssert.IsProblemAsync(invalidate, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("/admin/tiers/tenant-b")]
    [InlineData("/admin/cache/metrics/tenant-b")]
    public async Task OrdinaryUser_ReadsOwnTenant_Allowed(string path)
    {
        // Arrange
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("answer"));
        await using var gateway = await StartAsync(upstream.Url);

        // Act
        using var own = await gateway.GetAsync(path, TestTokens.For(Tenant));
        using var other = await gateway.GetAsync(path, TestTokens.For(Other));

        // Assert
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Attack_InvalidationStorm_RateLimited429WithRetryAfterPerTenant()
    {
        // Arrange: two invalidations per minute.
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("answer"));
        await using var gateway = await StartAsync(upstream.Url, invalidationsPerMinute: 2);
        var admin = TestTokens.TenantAdmin(Tenant);

        // Act
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            using var allowed = await InvalidateAsync(gateway, admin, Tenant);
            statuses.Add(allowed.StatusCode);
        }

        using var refused = await InvalidateAsync(gateway, admin, Tenant);
        using var byPlatformAdmin = await InvalidateAsync(gateway, TestTokens.Admin(), Tenant);
        using var otherTenant = await InvalidateAsync(gateway, TestTokens.TenantAdmin(Other), Other);

        // Assert
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Equal(Tenant, problem.GetProperty("tenant").GetString());
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 30);
        await ProblemAssert.IsProblemAsync(byPlatformAdmin, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Equal(HttpStatusCode.OK, otherTenant.StatusCode);
    }

    [Fact]
    public async Task Attack_RefusedInvalidations_DoNotSpendTheTenantsBudget()
    {
        // Arrange: one invalidation per minute, and other tenants' and users' tokens hammering it first.
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("answer"));
        await using var gateway = await StartAsync(upstream.Url, invalidationsPerMinute: 1);
        for (var i = 0; i < 5; i++)
        {
            using var intruder = await InvalidateAsync(gateway, TestTokens.TenantAdmin(Other), Tenant);
            using var user = await InvalidateAsync(gateway, TestTokens.For(Tenant), Tenant);
            using var anonymous = await InvalidateAsync(gateway, null, Tenant);
        }

        // Act
        using var legitimate = await InvalidateAsync(gateway, TestTokens.TenantAdmin(Tenant), Tenant);

        // Assert
        Assert.Equal(HttpStatusCode.OK, legitimate.StatusCode);
    }

    internal static Task<GatewayInstance> StartAsync(string upstream, int? invalidationsPerMinute = null, string? redis = null)
    {
        var config = new GatewayConfigBuilder()
            .WithRoute("cached", "/c/{**rest}", upstream, new Dictionary<string, string> { ["Cache"] = "true" })
            .WithRelaxedTimeouts();
        if (invalidationsPerMinute is { } perMinute)
        {
            config.With("Gateway:Admin:InvalidationsPerMinute", perMinute);
        }

        if (redis is not null)
        {
            config.WithRedis(redis);
        }

        return GatewayInstance.StartAsync(config);
    }

    internal static async Task<HttpResponseMessage> InvalidateAsync(GatewayInstance gateway, string? token, string tenant)
    {
        using var request = GatewayInstance.Request(HttpMethod.Post, "/admin/cache/invalidate", token);
        request.Content = new StringContent(JsonSerializer.Serialize(new { tenant_id = tenant }), Encoding.UTF8, "application/json");
        return await gateway.Client.SendAsync(request);
    }

    private static async Task<string?> SendCachedAsync(GatewayInstance gateway, string token)
    {
        using var response = await gateway.GetAsync("/c/answer", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;
    }
}

/// <summary>The admin write limit is one count for every node, kept in Redis.</summary>
[Collection(RedisCollection.Name)]
public sealed class TenantAdminScopeAcrossNodesTests
{
    private readonly RedisServerFixture _redis;

    public TenantAdminScopeAcrossNodesTests(RedisServerFixture redis)
    {
        _redis = redis;
    }

    [Fact]
    public async Task Attack_InvalidationStormSpreadOverNodes_SharedLimit()
    {
        // Arrange: two nodes on one Redis, two invalidations per minute for the tenant in total; a tenant of its own so
        // no other test's count is shared.
        const string tenant = "admin-limit-shared";
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("answer"));
        var config = new GatewayConfigBuilder()
            .WithUpstream(upstream.Url)
            .WithTenant(tenant, "gold")
            .WithRedis(_redis.ConnectionString)
            .With("Gateway:Admin:InvalidationsPerMinute", 2);
        await using var first = await GatewayInstance.StartAsync(config);
        await using var second = await GatewayInstance.StartAsync(config);
        var admin = TestTokens.TenantAdmin(tenant);

        // Act: one on each node, then a third on each.
        using var a = await TenantAdminScopeTests.InvalidateAsync(first, admin, tenant);
        using var b = await TenantAdminScopeTests.InvalidateAsync(second, admin, tenant);
        using var c = await TenantAdminScopeTests.InvalidateAsync(first, admin, tenant);
        using var d = await TenantAdminScopeTests.InvalidateAsync(second, admin, tenant);

        // Assert
        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        await ProblemAssert.IsProblemAsync(c, HttpStatusCode.TooManyRequests, "rate-limited");
        await ProblemAssert.IsProblemAsync(d, HttpStatusCode.TooManyRequests, "rate-limited");
    }
}
