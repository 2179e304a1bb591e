using System.Net;
using System.Net.Sockets;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1, for servers that cannot bind port 0 themselves (WireMock, redis-server).</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago. Another process may take it before the caller binds it, so callers retry.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port on which nothing listens right now: an upstream that is down.</summary>
    public static string ClosedPortUrl() => $"http://127.0.0.1:{Next()}/";
}
