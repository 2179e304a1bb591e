using System.Net;

namespace Gateway.IntegrationTests.Admin;

/// <summary><c>GET /admin/tiers/{tenant}</c>: admin tokens see every tenant, tenant tokens only their own.</summary>
[Collection(ProxyCollection.Name)]
public sealed class TierEndpointTests(ProxyFixture fixture)
{
    [Fact]
    public async Task GetTier_AdminToken_ReturnsReferenceShape()
    {
        // Act
        var body = await fixture.Gateway.TierAsync(GatewayConfigBuilder.GoldTenant);

        // Assert
        Assert.Equal(GatewayConfigBuilder.GoldTenant, body.GetProperty("tenant_id").GetString());
        Assert.Equal("gold", body.GetProperty("tier").GetString());
        var config = body.GetProperty("config");
        Assert.Equal(GatewayConfigBuilder.RelaxedTimeoutMs, config.GetProperty("timeout_ms").GetInt32());
        Assert.Equal(1800, config.GetProperty("cache_ttl").GetInt32());
        Assert.Equal(500, config.GetProperty("max_qps").GetInt32());
        Assert.Equal(20.0, config.GetProperty("cache_quota_gb").GetDouble());
    }

    [Fact]
    public async Task GetTier_OwnTenantToken_Returns200()
    {
        // Act
        using var response = await fixture.Gateway.GetAsync(
            $"/admin/tiers/{GatewayConfigBuilder.SilverTenant}", TestTokens.For(GatewayConfigBuilder.SilverTenant));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GetTier_OtherTenantToken_Returns403Problem()
    {
        // Act
        using var response = await fixture.Gateway.GetAsync(
            $"/admin/tiers/{GatewayConfigBuilder.PlatinumTenant}", TestTokens.For(GatewayConfigBuilder.SilverTenant));

        // Assert
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task GetTier_NoToken_Returns401Problem()
    {
        // Act
        using var response = await fixture.Gateway.GetAsync($"/admin/tiers/{GatewayConfigBuilder.SilverTenant}");

        // Assert
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }
}
