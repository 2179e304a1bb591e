using System.Net;
using Gateway.Hosting;

namespace Gateway.IntegrationTests.Hosting;

/// <summary>The <c>token</c> sub-command mints development tokens the running gateway accepts.</summary>
[Collection(ProxyCollection.Name)]
public sealed class TokenCommandTests
{
    private readonly ProxyFixture _fixture;

    public TokenCommandTests(ProxyFixture fixture)
    {
        _fixture = fixture;
        _fixture.ResetUpstream();
    }

    [Fact]
    public async Task Run_TenantToken_GatewayAcceptsIt()
    {
        // Arrange
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Act
        var exitCode = TokenCommand.Run(["--tenant", GatewayConfigBuilder.GoldTenant, "--config", _fixture.Gateway.ConfigPath], stdout, stderr);
        using var response = await _fixture.Gateway.GetAsync("/with-dev-token", stdout.ToString().Trim());

        // Assert
        Assert.Equal(0, exitCode);
        Assert.Equal("", stderr.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([GatewayConfigBuilder.GoldTenant], Assert.Single(_fixture.Upstream.LogEntries).RequestMessage.HeaderValues("X-Tenant-Id"));
    }

    [Fact]
    public async Task Run_AdminScopeToken_AdminEndpointAcceptsIt()
    {
        // Arrange
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Act
        var exitCode = TokenCommand.Run(["--scope", TestTokens.AdminScope, "--config", _fixture.Gateway.ConfigPath], stdout, stderr);
        using var response = await _fixture.Gateway.GetAsync($"/admin/tiers/{GatewayConfigBuilder.SilverTenant}", stdout.ToString().Trim());

        // Assert
        Assert.Equal(0, exitCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Run_NoTenantNorScope_PrintsUsageAndFails()
    {
        // Arrange
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Act
        var exitCode = TokenCommand.Run(["--config", _fixture.Gateway.ConfigPath], stdout, stderr);

        // Assert
        Assert.NotEqual(0, exitCode);
        Assert.Contains("usage", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }
}
