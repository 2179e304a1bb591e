using System.Net;
using WireMock.Server;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// Attack: read every tenant's names, tiers and traffic from <c>/metrics</c>, or reach <c>/admin</c>, through the port
/// tenants use. With <c>Gateway:Management:Urls</c> set, operator endpoints answer only on their own listener, and the
/// proxy listener answers 404 without forwarding anything.
/// </summary>
public sealed class ManagementListenerTests : IClassFixture<ManagementListenerBedFixture>
{
    private readonly AttackBed _bed;

    public ManagementListenerTests(ManagementListenerBedFixture fixture)
    {
        _bed = fixture.Bed;
        _bed.Upstream.ResetLogEntries();
    }

    private WireMockServer Upstream => _bed.Upstream;

    private GatewayInstance Gateway => _bed.Gateway;

    [Theory]
    [InlineData("GET", "/metrics")]
    [InlineData("GET", "/admin/tiers/tenant-b")]
    [InlineData("GET", "/admin/cache/metrics/tenant-b")]
    [InlineData("POST", "/admin/cache/invalidate")]
    [InlineData("GET", "/ADMIN/tiers/tenant-b")]
    [InlineData("GET", "/admin//tiers/tenant-b")]
    [InlineData("GET", "/admin/no-such-action")]
    public async Task Attack_OperatorPathOnProxyListener_404NotProxied(string method, string path)
    {
        // Arrange: a platform admin token, the strongest a client could hold.
        using var request = GatewayInstance.Request(new HttpMethod(method), path, TestTokens.Admin());
        request.Content = method == "POST" ? new StringContent("{\"tenant_id\":\"tenant-b\"}", System.Text.Encoding.UTF8, "application/json") : null;

        // Act
        using var response = await Gateway.Client.SendAsync(request);

        // Assert
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not-found");
        Assert.Empty(Upstream.LogEntries);
    }

    [Fact]
    public async Task Management_OperatorEndpoints_AnswerOnManagementListener()
    {
        // Arrange
        using var management = Gateway.CreateManagementClient();

        // Act
        using var metrics = await management.GetAsync("metrics");
        using var tier = await management.SendAsync(GatewayInstance.Request(HttpMethod.Get, "/admin/tiers/tenant-b", TestTokens.Admin()));

        // Assert
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("gateway_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, tier.StatusCode);
    }

    [Fact]
    public async Task Attack_ProxyRouteOnManagementListener_404NotProxied()
    {
        // Arrange
        using var management = Gateway.CreateManagementClient();

        // Act
        using var response = await management.SendAsync(GatewayInstance.Request(HttpMethod.Post, "/query", TestTokens.For(GatewayConfigBuilder.GoldTenant)));

        // Assert
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not-found");
        Assert.Empty(Upstream.LogEntries);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_BothListeners_Answer(string path)
    {
        // Arrange
        using var management = Gateway.CreateManagementClient();

        // Act
        using var onProxy = await Gateway.GetAsync(path);
        using var onManagement = await management.GetAsync(path.TrimStart('/'));

        // Assert
        Assert.Equal(HttpStatusCode.OK, onProxy.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onManagement.StatusCode);
    }

    [Fact]
    public async Task Attack_ManagementPortInHostHeaderOnProxyListener_StillRefused()
    {
        // Arrange: which listener served a request is a fact of the connection, not of the Host header.
        var raw = await RawHttp.SendAsync(Gateway.BaseAddress, "GET", "/metrics", [("Host", Gateway.ManagementAddress!.Authority)]);

        // Assert
        Assert.Equal(404, raw.Status);
        Assert.Empty(Upstream.LogEntries);
    }

    [Fact]
    public void Startup_ManagementListenerConfigured_NoSharedListenerWarning()
    {
        // Act / Assert
        Assert.Empty(Gateway.Logs.Find("Gateway:Management:Urls is not set", LogLevel.Warning));
    }
}
