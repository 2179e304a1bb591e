using Gateway.Config.Reload;

namespace Gateway.IntegrationTests.Security;

/// <summary>
/// A value the code cannot work with (a zero that would reach a constructor, a breaker that never opens) stops start-up
/// with the key named, instead of failing at the first request or silently disabling a protection.
/// </summary>
public sealed class ConfigurationKeyTests
{
    [Theory]
    [InlineData("Gateway:Redis:BreakerFailureThreshold")]
    [InlineData("Gateway:Redis:BreakerCooldownMs")]
    [InlineData("Gateway:Redis:ConnectTimeoutMs")]
    [InlineData("Gateway:Redis:OperationTimeoutMs")]
    [InlineData("Gateway:Limits:RequestHeadersTimeoutSeconds")]
    [InlineData("Gateway:Limits:MaxRequestHeadersTotalBytes")]
    [InlineData("Gateway:Limits:MaxRequestHeaderCount")]
    [InlineData("Gateway:Limits:MaxRequestLineBytes")]
    [InlineData("Gateway:Limits:MaxRequestBodyBytes")]
    [InlineData("Gateway:Admin:InvalidationsPerMinute")]
    public async Task Startup_ZeroInKey_RefusedNamingTheKey(string key)
    {
        // Arrange
        var config = new GatewayConfigBuilder().WithUpstream(FreePort.ClosedPortUrl()).With(key, 0);

        // Act
        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayInstance.StartAsync(config));

        // Assert
        Assert.Contains(error.Errors, e => e.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Startup_ManagementUrlWithPath_RefusedNamingTheKey()
    {
        // Arrange
        var config = new GatewayConfigBuilder().WithUpstream(FreePort.ClosedPortUrl()).With("Gateway:Management:Urls", "http://127.0.0.1:9090/admin");

        // Act
        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayInstance.StartAsync(config));

        // Assert
        Assert.StartsWith("Gateway:Management:Urls", Assert.Single(error.Errors), StringComparison.Ordinal);
    }
}
