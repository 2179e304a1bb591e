using System.Net;
using System.Text.Json;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Reads the gateway's operator endpoints the way an operator would.</summary>
public static class AdminApi
{
    /// <summary><c>GET /admin/tiers/{tenant}</c> with an admin token; the parsed body.</summary>
    public static async Task<JsonElement> TierAsync(this GatewayInstance gateway, string tenant)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        using var response = await gateway.GetAsync($"/admin/tiers/{tenant}", TestTokens.Admin());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /admin/tiers/{tenant}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>The tier name <c>/admin/tiers/{tenant}</c> reports.</summary>
    public static async Task<string?> TierNameAsync(this GatewayInstance gateway, string tenant) =>
        (await gateway.TierAsync(tenant)).GetProperty("tier").GetString();

    /// <summary>The Prometheus text of <c>GET /metrics</c>.</summary>
    public static async Task<string> ScrapeMetricsAsync(this GatewayInstance gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        using var response = await gateway.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Current value of <c>gateway_config_reloads_total{result}</c>; 0 before the first such reload.</summary>
    public static async Task<double> ConfigReloadsAsync(this GatewayInstance gateway, string result) =>
        PrometheusText.Value(await gateway.ScrapeMetricsAsync(), "gateway_config_reloads_total", ("result", result));
}
