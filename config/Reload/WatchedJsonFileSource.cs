using Microsoft.Extensions.Configuration;

namespace Gateway.Config.Reload;

/// <summary>
/// A JSON configuration file that is re-read when its content changes and keeps its last good content
/// when a new version does not parse. The stock JSON provider empties itself on a malformed reload,
/// which would make YARP drop every route and the tier table fall back to defaults.
/// </summary>
public sealed class WatchedJsonFileSource : IConfigurationSource
{
    /// <summary>Creates a source for <paramref name="path"/>.</summary>
    public WatchedJsonFileSource(string path, ConfigFileEvents events)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(events);
        Path = System.IO.Path.GetFullPath(path);
        Events = events;
    }

    /// <summary>Absolute path of the file.</summary>
    public string Path { get; }

    /// <summary>Where parse failures on reload are reported.</summary>
    public ConfigFileEvents Events { get; }

    /// <summary>How often the file is checked. Polling survives editors that replace the file and Kubernetes ConfigMap symlink swaps.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Clock for the poll timer.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new WatchedJsonFileProvider(this);
}
