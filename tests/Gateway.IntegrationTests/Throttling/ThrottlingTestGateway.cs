using System.Globalization;
using System.Net.Http.Headers;

namespace Gateway.IntegrationTests.Throttling;

/// <summary>Configuration and request helpers shared by the throttling and fairness tests.</summary>
internal static class ThrottlingTestGateway
{
    /// <summary>Tier used for limiter tests: its own limits, so the default tiers stay untouched.</summary>
    public const string MeteredTier = "metered";

    /// <summary>Adds tier <see cref="MeteredTier"/> with <paramref name="maxQps"/> and <paramref name="burst"/>, and maps <paramref name="tenants"/> to it.</summary>
    public static GatewayConfigBuilder WithMeteredTenants(this GatewayConfigBuilder config, int maxQps, int burst, params string[] tenants)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.WithTier(MeteredTier, timeoutMs: 1000, maxQps: maxQps)
            .With($"Gateway:Tiers:{MeteredTier}:Burst", burst);
        foreach (var tenant in tenants)
        {
            config.WithTenant(tenant, MeteredTier);
        }

        return config;
    }

    /// <summary>A GET for <paramref name="tenant"/> on the gateway's catch-all route.</summary>
    public static Task<HttpResponseMessage> GetAsTenantAsync(this HttpClient client, string tenant, string token, int index)
    {
        ArgumentNullException.ThrowIfNull(client);
        var request = new HttpRequestMessage(HttpMethod.Get, $"{tenant}/{index.ToString(CultureInfo.InvariantCulture)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    /// <summary>Reads <c>/metrics</c> of <paramref name="gateway"/>.</summary>
    public static async Task<string> ScrapeAsync(this GatewayInstance gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        using var response = await gateway.Client.GetAsync(new Uri("metrics", UriKind.Relative));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>An upstream that answers every request at once with 200 <c>ok</c>.</summary>
    public static Task<KestrelUpstream> StartFastUpstreamAsync() =>
        KestrelUpstream.StartAsync(static context => context.Response.WriteAsync("ok"));
}
