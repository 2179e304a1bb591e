using System.Net;

namespace Gateway.IntegrationTests.Tenancy;

/// <summary>Header hygiene: client-sent tenant headers are never trusted; the upstream sees only what the token proves.</summary>
[Collection(ProxyCollection.Name)]
public sealed class TenantHeaderTests
{
    private readonly ProxyFixture _fixture;

    public TenantHeaderTests(ProxyFixture fixture)
    {
        _fixture = fixture;
        _fixture.ResetUpstream();
    }

    [Theory]
    [InlineData(GatewayConfigBuilder.PlatinumTenant, "platinum")]
    [InlineData(GatewayConfigBuilder.SilverTenant, "silver")]
    public async Task Proxy_ForgedTenantHeaders_UpstreamSeesOnlyVerifiedTenantAndTier(string tenant, string tier)
    {
        // Arrange
        using var request = GatewayInstance.Request(HttpMethod.Get, "/forged", TestTokens.For(tenant));
        request.Headers.TryAddWithoutValidation("X-Tenant-Id", GatewayConfigBuilder.GoldTenant);
        request.Headers.TryAddWithoutValidation("x-tenant-tier", "platinum");
        request.Headers.TryAddWithoutValidation("X_Tenant_Id", GatewayConfigBuilder.GoldTenant);
        request.Headers.TryAddWithoutValidation("X-Tier", "gold");
        request.Headers.TryAddWithoutValidation("X-Gateway-Anything", "forged");
        request.Headers.TryAddWithoutValidation("X-Request-Id", "kept-123");

        // Act
        using var response = await _fixture.Gateway.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_fixture.Upstream.LogEntries).RequestMessage;
        var headers = forwarded.Headers!;
        var tenantHeaders = headers.Where(h => Normalize(h.Key) == "x-tenant-id").ToList();
        var forwardedTenant = Assert.Single(tenantHeaders);
        Assert.Equal([tenant], forwardedTenant.Value);
        var forwardedTier = Assert.Single(headers, h => Normalize(h.Key) == "x-tenant-tier");
        Assert.Equal([tier], forwardedTier.Value);
        Assert.DoesNotContain(headers, h => Normalize(h.Key) is "x-tier" or "x-gateway-anything");
        Assert.Equal(["kept-123"], forwarded.HeaderValues("X-Request-Id"));
    }

    [Fact]
    public async Task Proxy_UnknownTenantWithoutDefaultTier_Returns403ProblemAndUpstreamReceivesNothing()
    {
        // Arrange
        using var request = GatewayInstance.Request(HttpMethod.Get, "/unknown", TestTokens.For("tenant-unlisted"));

        // Act
        using var response = await _fixture.Gateway.Client.SendAsync(request);

        // Assert
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("tenant-unlisted", problem.GetProperty("tenant").GetString());
        Assert.Empty(_fixture.Upstream.LogEntries);
    }

    private static string Normalize(string name) => name.Replace('_', '-').ToLowerInvariant();
}
