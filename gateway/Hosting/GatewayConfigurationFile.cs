using Gateway.Config.Reload;
using Microsoft.Extensions.Configuration.Json;

namespace Gateway.Hosting;

/// <summary>
/// Chooses the gateway's configuration file: <c>--config PATH</c> when given, otherwise <c>appsettings.json</c>
/// in the content root, otherwise the copy next to the binary. Environment variables and the command line
/// still override it the ASP.NET way.
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

    /// <summary>
    /// Replaces the default JSON sources with one watched file, at the same position so that environment
    /// variables and command-line arguments added after them keep precedence.
    /// </summary>
    public static void Install(IConfigurationBuilder configuration, string path, ConfigFileEvents events)
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

        var source = new WatchedJsonFileSource(path, events);
        if (insertAt < 0)
        {
            sources.Insert(0, source);
        }
        else
        {
            sources.Insert(insertAt, source);
        }
    }
}
