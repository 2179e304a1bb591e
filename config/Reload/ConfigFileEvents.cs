namespace Gateway.Config.Reload;

/// <summary>Signals raised by <see cref="WatchedJsonFileSource"/> for logging and metrics.</summary>
public sealed class ConfigFileEvents
{
    /// <summary>A changed file could not be parsed; the previous content stays in force.</summary>
    public event Action<string, Exception>? ParseFailed;

    internal void OnParseFailed(string path, Exception error) => ParseFailed?.Invoke(path, error);
}
