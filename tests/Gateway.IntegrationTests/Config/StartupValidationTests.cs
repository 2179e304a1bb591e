using System.Text.Json.Nodes;
using Gateway.Config.Reload;
using Gateway.Hosting;

namespace Gateway.IntegrationTests.Config;

/// <summary>Invalid configuration at start-up stops the gateway with a message naming the key.</summary>
public sealed class StartupValidationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-startup-").FullName;

    [Theory]
    [InlineData("Gateway:Tiers:gold:TimeoutMs", 0)]
    [InlineData("Gateway:Tiers:silver:CacheQuota", "plenty")]
    [InlineData("Gateway:Tenants:tenant-s:Tier", "diamond")]
    [InlineData("Gateway:DefaultTier", "bronze")]
    [InlineData("Gateway:Jwt:SigningKey", "too-short")]
    [InlineData("Gateway:Jwt:Issuer", "")]
    public void AddGateway_InvalidValue_ThrowsConfigurationExceptionNamingKey(string key, object value)
    {
        // Arrange
        var config = new GatewayConfigBuilder().With(key, JsonValue.Create(value));
        var path = Write(config.ToJson());

        // Act
        var error = Assert.Throws<GatewayConfigurationException>(() => AddGateway(path));

        // Assert
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(error.Errors, e => e.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void AddGateway_MalformedJson_ThrowsConfigurationExceptionNamingFile()
    {
        // Arrange
        var path = Write("""{ "Gateway": { "Tiers": """);

        // Act
        var error = Assert.Throws<GatewayConfigurationException>(() => AddGateway(path));

        // Assert
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGateway_ConfigFileMissing_ThrowsConfigurationExceptionNamingPath()
    {
        // Arrange
        var path = Path.Combine(_directory, "absent.json");

        // Act
        var error = Assert.Throws<GatewayConfigurationException>(() => AddGateway(path));

        // Assert
        Assert.Contains("--config", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatewayProcess_InvalidConfiguration_ExitsNonZeroWithKeyOnStderr()
    {
        // Arrange
        var path = Write(new GatewayConfigBuilder().With("Gateway:Tiers:gold:TimeoutMs", -5).ToJson());

        // Act
        var result = await GatewayProcess.RunAsync(TimeSpan.FromSeconds(30), "--config", path);

        // Assert
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Gateway:Tiers:gold:TimeoutMs", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void AddGateway(string configPath)
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0", "--config", configPath]);
        builder.Logging.ClearProviders();
        builder.AddGateway();
    }

    private string Write(string content)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        return path;
    }
}
