using Microsoft.AspNetCore.Connections;

namespace Gateway.Management;

/// <summary>
/// The Kestrel side of <c>Gateway:Management:Urls</c>. When it is set, Kestrel listens on the proxy URLs (the usual
/// <c>urls</c> / <c>ASPNETCORE_URLS</c> / <c>--urls</c>) and on the management URLs, and every connection accepted by a
/// management URL carries a marker feature. Which listener served a request is therefore a fact of the connection, not
/// of anything the client sends (a <c>Host: x:9090</c> header proves nothing).
/// </summary>
internal sealed class ManagementListener
{
    private const string ProxyEndpoint = "GatewayProxy";
    private const string ManagementEndpoint = "GatewayManagement";

    private ManagementListener(IReadOnlyList<string> urls)
    {
        Urls = urls;
    }

    /// <summary>The management URLs; empty when the operator endpoints share the proxy listener.</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>True when a separate management listener is configured.</summary>
    public bool IsSeparate => Urls.Count > 0;

    /// <summary>Whether <paramref name="context"/> arrived on a management URL.</summary>
    public static bool Served(HttpContext context) => context.Features.Get<ManagementConnection>() is not null;

    /// <summary>Registers the listener description and, when <paramref name="managementUrls"/> is not empty, the Kestrel endpoints.</summary>
    public static void Configure(WebApplicationBuilder builder, IReadOnlyList<string> managementUrls)
    {
        builder.Services.AddSingleton(new ManagementListener(managementUrls));
        if (managementUrls.Count == 0)
        {
            return;
        }

        // Kestrel binds named endpoints from configuration and ignores "urls" once any exist, so the proxy URLs become
        // named endpoints too; the operator's own Kestrel section (certificates, extra endpoints) is kept.
        var configuration = builder.Configuration;
        var endpoints = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.GetSection("Kestrel").AsEnumerable(makePathsRelative: true))
        {
            if (value is not null && key.Length > 0)
            {
                endpoints[key] = value;
            }
        }

        var proxyUrls = ProxyUrls(configuration);
        for (var i = 0; i < proxyUrls.Count; i++)
        {
            endpoints[$"Endpoints:{ProxyEndpoint}{i}:Url"] = proxyUrls[i];
        }

        for (var i = 0; i < managementUrls.Count; i++)
        {
            endpoints[$"Endpoints:{ManagementEndpoint}{i}:Url"] = managementUrls[i];
        }

        var kestrelConfiguration = new ConfigurationBuilder().AddInMemoryCollection(endpoints).Build();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var loader = kestrel.Configure(kestrelConfiguration, reloadOnChange: false);
            for (var i = 0; i < managementUrls.Count; i++)
            {
                loader.Endpoint($"{ManagementEndpoint}{i}", endpoint => endpoint.ListenOptions.Use(next => connection =>
                {
                    connection.Features.Set(ManagementConnection.Instance);
                    return next(connection);
                }));
            }
        });

        // Now carried by the named endpoints; left in place, Kestrel would warn that it overrides them. An empty value
        // would make the host fall back to the URLs it read at start-up, so the list is set to hold no address at all.
        configuration["urls"] = ";";
    }

    private static List<string> ProxyUrls(IConfiguration configuration)
    {
        var urls = configuration["urls"];
        if (!string.IsNullOrWhiteSpace(urls))
        {
            return [.. urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        }

        var result = new List<string>();
        AddPorts(result, "http", configuration["http_ports"]);
        AddPorts(result, "https", configuration["https_ports"]);
        return result.Count > 0 ? result : ["http://localhost:5000"];
    }

    private static void AddPorts(List<string> result, string scheme, string? ports)
    {
        foreach (var port in (ports ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            result.Add($"{scheme}://*:{port}");
        }
    }

    /// <summary>Marker feature on connections accepted by a management URL.</summary>
    private sealed class ManagementConnection
    {
        public static readonly ManagementConnection Instance = new();
    }
}
