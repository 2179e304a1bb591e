using System.Net;
using System.Text.Json;

namespace Gateway.IntegrationTests.Health;

[Collection(ProxyCollection.Name)]
public sealed class HealthEndpointTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Healthz_Always_Returns200Alive()
    {
        // Act
        using var response = await fixture.Gateway.GetAsync("/healthz");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("alive", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_ConfigurationLoaded_Returns200WithConfigurationComponent()
    {
        // Act
        using var response = await fixture.Gateway.GetAsync("/readyz");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        var configuration = body.RootElement.GetProperty("components").GetProperty("configuration");
        Assert.Equal("ok", configuration.GetProperty("status").GetString());
    }
}
