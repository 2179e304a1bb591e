using System.Net;

namespace Gateway.IntegrationTests.Proxy;

/// <summary>An unreachable upstream is the upstream's failure (502 problem), never a gateway bug (500).</summary>
[Collection(ProxyCollection.Name)]
public sealed class UpstreamErrorTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Proxy_UpstreamConnectionRefused_Returns502UpstreamErrorProblem()
    {
        // Arrange: route "down" points at a port nothing listens on.
        var token = TestTokens.For(GatewayConfigBuilder.SilverTenant);

        // Act
        using var response = await fixture.Gateway.GetAsync("/down/query", token);

        // Assert
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadGateway, "upstream-error");
        Assert.Equal(GatewayConfigBuilder.SilverTenant, problem.GetProperty("tenant").GetString());
        Assert.Equal("silver", problem.GetProperty("tier").GetString());
        Assert.DoesNotContain("   at ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
