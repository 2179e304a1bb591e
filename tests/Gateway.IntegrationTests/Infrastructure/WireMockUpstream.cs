using WireMock;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Starts WireMock.Net upstreams bound to 127.0.0.1 only.</summary>
public static class WireMockUpstream
{
    /// <summary>
    /// A WireMock server on a free loopback port, already warmed up (its first request costs hundreds of
    /// milliseconds, which would otherwise eat a tier budget) and with an empty request log. Dispose it when done.
    /// </summary>
    public static WireMockServer Start()
    {
        var server = StartOnFreePort();
        using (var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) })
        using (var warmUp = new HttpRequestMessage(HttpMethod.Get, server.Url + "/__warm-up"))
        {
            // Synchronous on purpose: Start() mirrors WireMockServer.Start(); this runs once per fixture.
            using var response = client.Send(warmUp);
        }

        server.ResetLogEntries();
        return server;
    }

    /// <summary>All values of request header <paramref name="name"/> (compared case-insensitively, as HTTP does).</summary>
    public static IReadOnlyList<string> HeaderValues(this IRequestMessage request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers is null
            ? []
            : [.. request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value)];
    }

    private static WireMockServer StartOnFreePort()
    {
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                return WireMockServer.Start(new WireMockServerSettings
                {
                    Urls = [$"http://127.0.0.1:{port}"],
                    StartAdminInterface = false,
                });
            }
            catch (Exception) when (attempt < attempts)
            {
                // The port was taken between probing and binding; try another one.
            }
        }
    }
}
