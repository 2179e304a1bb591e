using Gateway.Config.Reload;
using Gateway.Hosting;
using RagBackendSim;

namespace LoadDriver;

/// <summary>
/// <c>serve</c>: the quick start. Runs the simulated RAG backend and the gateway in the Development environment,
/// configured by the root <c>appsettings.json</c> with <c>appsettings.Development.json</c> (the development signing key)
/// over it (embedded store unless <c>Gateway:Redis:Configuration</c> is set), and prints a development token with a
/// ready-made curl line.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using var backend = RagBackend.Create([.. args.Where(a => a.StartsWith("--Sim:", StringComparison.Ordinal))]);
        await backend.StartAsync();

        WebApplication gateway;
        try
        {
            // The quick start is a development session: the gateway layers appsettings.Development.json (the development
            // signing key) over the root file, which carries none. An explicitly set environment still wins.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = [.. args.Where(a => !a.StartsWith("--Sim:", StringComparison.Ordinal))],
                EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                    ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                    ?? Environments.Development,
            });
            builder.AddGateway();
            gateway = builder.Build();
            gateway.MapGateway();
        }
        catch (GatewayConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        await using (gateway)
        {
            await gateway.StartAsync();
            await WarmUpAsync(gateway);
            PrintWelcome(gateway, backend);
            await gateway.WaitForShutdownAsync();
        }

        await backend.StopAsync();
        return 0;
    }

    /// <summary>
    /// Sends a few uncached requests through the gateway before handing it over, so JIT compilation and the first
    /// upstream connection do not make a newcomer's first query miss the 200 ms platinum budget.
    /// </summary>
    private static async Task WarmUpAsync(WebApplication gateway)
    {
        var settings = gateway.Services.GetRequiredService<IGatewaySettings>().Current;
        var jwt = settings.Options.Jwt;
        var tenant = settings.Table.TenantIds.FirstOrDefault();
        var url = gateway.Urls.FirstOrDefault();
        if (!jwt.AcceptsSharedSecret || tenant is null || url is null)
        {
            return;
        }

        var token = TokenCommand.Mint(jwt, tenant, "serve-warm-up", scope: null, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow);
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/query")
            {
                Content = new StringContent("{\"query\": \"warm-up\"}", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoStore = true };
            try
            {
                using var response = await client.SendAsync(request);
            }
            catch (HttpRequestException)
            {
                // A warm-up that fails changes nothing; the gateway is already serving.
            }
        }
    }

    private static void PrintWelcome(WebApplication gateway, WebApplication backend)
    {
        var settings = gateway.Services.GetRequiredService<IGatewaySettings>().Current;
        var jwt = settings.Options.Jwt;
        var url = gateway.Urls.FirstOrDefault() ?? "http://127.0.0.1:5000";
        var tenant = settings.Table.TenantIds.Order(StringComparer.Ordinal).FirstOrDefault() ?? "acme";
        var token = !jwt.AcceptsSharedSecret
            ? "<mint a token with your issuer>"
            : TokenCommand.Mint(jwt, tenant, $"dev-user@{tenant}", scope: null, TimeSpan.FromHours(8), DateTimeOffset.UtcNow);
        var store = string.IsNullOrWhiteSpace(settings.Options.Redis.Configuration) ? "embedded in-process store" : "Redis";

        Console.WriteLine($$"""

            Tenant gateway listening on {{url}} ({{store}}); simulated RAG backend on {{backend.Urls.FirstOrDefault()}}.
            Development token for tenant '{{tenant}}' (valid 8 h):

              export TOKEN={{token}}
              curl -s -i -X POST {{url}}/query -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"query": "what is our refund policy?"}'

            Run it twice: the second answer carries X-Cache: HIT. Ctrl+C stops both.
            """);
    }
}
