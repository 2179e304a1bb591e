using System.Net;
using WireMock.Server;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// Attack: an unmapped path under <c>/admin</c> (wrong method, double slash, unknown action, another case or encoding)
/// falling through to the catch-all proxy route and reaching the backend as the caller's tenant. Without a management
/// listener the operator endpoints share the proxy listener; every such path must still be answered by the gateway.
/// </summary>
public sealed class AdminPathFallthroughTests : IClassFixture<AttackBedFixture>
{
    private readonly AttackBed _bed;

    public AdminPathFallthroughTests(AttackBedFixture fixture)
    {
        _bed = fixture.Bed;
        _bed.Upstream.ResetLogEntries();
    }

    private WireMockServer Upstream => _bed.Upstream;

    private GatewayInstance Gateway => _bed.Gateway;

    [Theory]
    [InlineData("GET", "/admin/cache/invalidate", 405)]
    [InlineData("PUT", "/admin/cache/invalidate", 405)]
    [InlineData("DELETE", "/admin/tiers/tenant-b", 405)]
    [InlineData("POST", "/metrics", 405)]
    [InlineData("GET", "/%61dmin/cache/invalidate", 405)]
    [InlineData("GET", "/ADMIN/cache/invalidate", 405)]
    [InlineData("GET", "/Admin/Cache/Invalidate", 405)]
    [InlineData("GET", "/admin//tiers/tenant-b", 404)]
    [InlineData("GET", "//admin/tiers/tenant-b", 404)]
    [InlineData("GET", "/admin/tiers//tenant-b", 404)]
    [InlineData("GET", "/admin/no-such-action", 404)]
    [InlineData("GET", "/admin", 404)]
    [InlineData("GET", "/admin/", 404)]
    [InlineData("GET", "/admin%2Ftiers%2Ftenant-b", 404)]
    [InlineData("GET", "/admin%2ftiers/tenant-b", 404)]
    [InlineData("GET", "/admin%5Ctiers%5Ctenant-b", 404)]
    [InlineData("GET", "/admin;v=1/tiers/tenant-b", 404)]
    [InlineData("GET", "/metrics/extra", 404)]
    public async Task Attack_UnmappedOperatorPath_AnsweredByGatewayNeverProxied(string method, string target, int status)
    {
        // Arrange: the request line is written verbatim (HttpClient would normalise some of these targets).
        var headers = new List<(string, string)> { ("Authorization", "Bearer " + TestTokens.For(GatewayConfigBuilder.GoldTenant)) };

        // Act
        var answer = await RawHttp.SendAsync(Gateway.BaseAddress, method, target, headers, method is "POST" or "PUT" ? "{}" : null);

        // Assert
        Assert.True(status == answer.Status, $"{method} {target}: {answer.Status} {answer.Body}");
        Assert.StartsWith("application/problem+json", answer.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Empty(Upstream.LogEntries);
        if (status == 405)
        {
            Assert.False(string.IsNullOrEmpty(answer.Header("Allow")));
        }
    }

    [Fact]
    public async Task Attack_WrongMethodOnInvalidate_405ListsPost()
    {
        // Act
        using var response = await Gateway.GetAsync("/admin/cache/invalidate", TestTokens.For(GatewayConfigBuilder.GoldTenant));

        // Assert
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        Assert.Empty(Upstream.LogEntries);
    }

    [Fact]
    public async Task OperatorPathInAnotherCase_ServedByTheAdminEndpoint()
    {
        // Act: routing matches literals case-insensitively; the admin endpoint answers, nothing is proxied.
        using var response = await Gateway.GetAsync("/ADMIN/TIERS/tenant-b", TestTokens.For(GatewayConfigBuilder.GoldTenant));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(Upstream.LogEntries);
    }

    [Fact]
    public async Task Proxy_PathThatOnlyStartsLikeAdmin_StillProxied()
    {
        // Act: /administration is not /admin.
        using var response = await Gateway.GetAsync("/administration/x", TestTokens.For(GatewayConfigBuilder.GoldTenant));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Upstream.LogEntries);
    }

    [Fact]
    public void Startup_NoManagementListenerOutsideDevelopment_WarnsThatOperatorEndpointsAreShared()
    {
        // Act / Assert: the test host runs in the Production environment.
        Assert.NotEmpty(Gateway.Logs.Find("Gateway:Management:Urls is not set", LogLevel.Warning));
    }
}
