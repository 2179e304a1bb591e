using Gateway.Config.Reload;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace Gateway.Hosting;

/// <summary>
/// Chooses the gateway's configuration file: <c>--config PATH</c> when given, otherwise <c>appsettings.json</c>
/// in the content root, otherwise the copy next to the binary. In the Development environment a
/// <c>&lt;name&gt;.Development.json</c> next to it (the repository's <c>appsettings.Development.json</c>, which holds the
/// development signing key) is layered over it, and shared secrets are allowed unless the files say otherwise.
/// Environment variables and the command line still override both the ASP.NET way.
/// </summary>
internal static class GatewayConfigurationFile
{
    /// <summary>Command-line key of the file option (<c>--config PATH</c>).</summary>
    public const string ArgumentKey = "config";

    /// <summary>Resolves the path to load.</summary>
    public static string Resolve(IConfiguration configuration, string contentRoot)
    {
        var explicitPath = configuration[ArgumentKey];
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            var full = Path.GetFullPath(explicitPath, contentRoot);
            if (!File.Exists(full))
            {
                throw new GatewayConfigurationException([$"--config: file '{full}' does not exist."]);
            }

            return full;
        }

        var inContentRoot = Path.Combine(contentRoot, "appsettings.json");
        return File.Exists(inContentRoot) ? inContentRoot : Path.Combine(AppContext.BaseDirectory, "appsettings.json");
    }

    /// <summary>The Development overlay of <paramref name="path"/>: <c>gateway.json</c> → <c>gateway.Development.json</c> in the same folder.</summary>
    public static string DevelopmentOverlay(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? "", $"{Path.GetFileNameWithoutExtension(path)}.{Environments.Development}.json");

    /// <summary>
    /// The configuration sources the gateway's files contribute, lowest precedence first: in Development a default of
    /// <c>Gateway:Jwt:AllowSharedSecret = true</c>, then the watched file, then (in Development, when it exists) the
    /// watched overlay. Outside Development only the file: a development key cannot be picked up by accident.
    /// </summary>
    public static IReadOnlyList<IConfigurationSource> Sources(string path, string environmentName, ConfigFileEvents events)
    {
        var sources = new List<IConfigurationSource>(3);
        var development = string.Equals(environmentName, Environments.Development, StringComparison.OrdinalIgnoreCase);
        if (development)
        {
            sources.Add(new MemoryConfigurationSource { InitialData = [new("Gateway:Jwt:AllowSharedSecret", "true")] });
        }

        sources.Add(new WatchedJsonFileSource(path, events));
        var overlay = DevelopmentOverlay(path);
        if (development && File.Exists(overlay))
        {
            sources.Add(new WatchedJsonFileSource(overlay, events));
        }

        return sources;
    }

    /// <summary>
    /// Replaces the default JSON sources with <see cref="Sources"/>, at the same position so that environment
    /// variables and command-line arguments added after them keep precedence.
    /// </summary>
    public static void Install(IConfigurationBuilder configuration, string path, string environmentName, ConfigFileEvents events)
    {
        var sources = configuration.Sources;
        var insertAt = -1;
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is JsonConfigurationSource)
            {
                sources.RemoveAt(i);
                insertAt = i;
            }
        }

        var position = insertAt < 0 ? 0 : insertAt;
        foreach (var source in Sources(path, environmentName, events))
        {
            sources.Insert(position++, source);
        }
    }
}
