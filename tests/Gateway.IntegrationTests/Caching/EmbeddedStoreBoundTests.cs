using System.Net;
using System.Text;
using System.Text.Json;

namespace Gateway.IntegrationTests.Caching;

/// <summary>
/// Issue 12 item 5: the embedded store holds at most <c>Gateway:Cache:EmbeddedMaxBytes</c>; a tenant's quota there is
/// its tier's share of the bound (shown as <c>effective_quota_bytes</c>), its writes past it are skipped, and nothing of
/// another tenant's is evicted for it.
/// </summary>
public sealed class EmbeddedStoreBoundTests
{
    private const long Bound = 64 * 1024;
    private const string Filler = GatewayConfigBuilder.SilverTenant;
    private const string Neighbour = GatewayConfigBuilder.GoldTenant;

    [Fact]
    public async Task Proxy_TenantFillsItsShareOfTheBound_WritesSkippedNeighbourKeepsItsEntries()
    {
        // Arrange: weights 4:2:1 over 64 KB, so silver's share is 64 KB / 7 ≈ 9.1 KB; each answer is about 1.5 KB.
        await using var upstream = await KestrelUpstream.StartAsync(context =>
        {
            context.Response.ContentType = "application/json";
            var tenant = context.Request.Headers["X-Tenant-Id"].ToString();
            return context.Response.WriteAsync($"{{\"tenant_id\":\"{tenant}\",\"answer\":\"{new string('x', 1500)}\"}}");
        });
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(upstream.Url, new Dictionary<string, string> { ["Cache"] = "true" })
            .WithRelaxedTimeouts()
            .With("Gateway:Throttling:Enabled", false)
            .With("Gateway:Cache:EmbeddedMaxBytes", Bound));
        Assert.Equal("MISS", await AskAsync(gateway, Neighbour, "kept"));

        // Act: silver asks 30 different questions, twice each.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 30; i++)
            {
                await AskAsync(gateway, Filler, $"q{i}");
            }
        }

        var neighbourAgain = await AskAsync(gateway, Neighbour, "kept");
        var filler = await MetricsAsync(gateway, Filler);

        // Assert
        var effective = filler.GetProperty("effective_quota_bytes").GetInt64();
        Assert.Equal(Bound / 7, effective);
        Assert.Equal(10L << 30, filler.GetProperty("quota_bytes").GetInt64());
        Assert.InRange(filler.GetProperty("size_bytes").GetInt64(), 1, (long)(effective * 0.95));
        Assert.InRange(filler.GetProperty("key_count").GetInt64(), 1, 29);
        Assert.Equal("HIT", neighbourAgain);
    }

    private static async Task<string?> AskAsync(GatewayInstance gateway, string tenant, string query)
    {
        using var request = GatewayInstance.Request(HttpMethod.Post, "/query", TestTokens.For(tenant));
        request.Content = new StringContent($"{{\"query\":\"{query}\"}}", Encoding.UTF8, "application/json");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;
    }

    private static async Task<JsonElement> MetricsAsync(GatewayInstance gateway, string tenant)
    {
        using var response = await gateway.GetAsync($"/admin/cache/metrics/{tenant}", TestTokens.Admin());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
