using System.Net;

namespace Gateway.IntegrationTests.Tenancy;

/// <summary>With <c>Gateway:DefaultTier</c> set, tenants missing from the table are served at that tier.</summary>
public sealed class DefaultTierTests
{
    [Fact]
    public async Task Proxy_UnknownTenantWithDefaultTier_ProxiedWithDefaultTier()
    {
        // Arrange
        using var upstream = WireMockUpstream.Start();
        upstream.Given(WireMock.RequestBuilders.Request.Create().UsingAnyMethod())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200));
        await using var gateway = await GatewayInstance.StartAsync(
            new GatewayConfigBuilder().WithUpstream(upstream.Url!).WithDefaultTier("gold").WithRelaxedTimeouts());

        // Act
        using var response = await gateway.GetAsync("/default-tier", TestTokens.For("tenant-unlisted"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(upstream.LogEntries).RequestMessage;
        Assert.Equal(["tenant-unlisted"], forwarded.HeaderValues("X-Tenant-Id"));
        Assert.Equal(["gold"], forwarded.HeaderValues("X-Tenant-Tier"));
    }
}
