using Gateway.Config.Reload;
using Gateway.Config.Settings;

namespace Gateway.Admin;

/// <summary>When this node started, when the configuration in force was loaded, and how the last reload attempt went.</summary>
internal sealed class ConfigurationStatus
{
    private readonly TimeProvider _time;
    private Attempt? _last;

    /// <summary>Starts watching <paramref name="settings"/>' reloads.</summary>
    public ConfigurationStatus(IGatewaySettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        StartedAt = LoadedAt = time.GetUtcNow();
        settings.Changed += OnChanged;
        settings.Rejected += OnRejected;
    }

    /// <summary>When this node read its configuration at start-up.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the configuration in force was loaded.</summary>
    public DateTimeOffset LoadedAt { get; private set; }

    /// <summary>The last reload attempt since start-up; null when there was none.</summary>
    public Attempt? Last => Volatile.Read(ref _last);

    private void OnChanged(GatewaySettings settings)
    {
        var now = _time.GetUtcNow();
        LoadedAt = now;
        Volatile.Write(ref _last, new Attempt(now, Success: true, settings.Version, []));
    }

    private void OnRejected(IReadOnlyList<string> errors) =>
        Volatile.Write(ref _last, new Attempt(_time.GetUtcNow(), Success: false, null, errors));

    /// <summary>One reload attempt.</summary>
    public sealed record Attempt(DateTimeOffset At, bool Success, long? Version, IReadOnlyList<string> Errors);
}
