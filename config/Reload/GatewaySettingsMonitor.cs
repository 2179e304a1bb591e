using Gateway.Config.Options;
using Gateway.Config.Settings;
using Gateway.Config.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Gateway.Config.Reload;

/// <summary>
/// Binds and validates the <c>Gateway</c> section on every configuration reload, swapping in the new
/// snapshot only when it is valid (last-known-good, as YARP's own config provider does).
/// </summary>
public sealed partial class GatewaySettingsMonitor : IGatewaySettings, IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<GatewaySettingsMonitor> _logger;
    private readonly ConfigFileEvents _fileEvents;
    private readonly IDisposable _subscription;
    private readonly object _reloadGate = new();
    private GatewaySettings _current;

    /// <summary>Builds the first snapshot; throws <see cref="GatewayConfigurationException"/> when it is invalid.</summary>
    public GatewaySettingsMonitor(IConfiguration configuration, ConfigFileEvents fileEvents, ILogger<GatewaySettingsMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(fileEvents);
        ArgumentNullException.ThrowIfNull(logger);
        _configuration = configuration;
        _logger = logger;
        _fileEvents = fileEvents;

        if (!TryBind(version: 1, out var settings, out var errors))
        {
            throw new GatewayConfigurationException(errors);
        }

        _current = settings!;
        _fileEvents.ParseFailed += OnFileParseFailed;
        _subscription = ChangeToken.OnChange(_configuration.GetReloadToken, Reload);
    }

    /// <inheritdoc />
    public GatewaySettings Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public event Action<GatewaySettings>? Changed;

    /// <inheritdoc />
    public event Action<IReadOnlyList<string>>? Rejected;

    /// <summary>Validates the section as it stands in <paramref name="configuration"/>, for start-up checks.</summary>
    public static IReadOnlyList<string> ValidateConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            return GatewayOptionsValidator.Validate(Bind(configuration));
        }
        catch (InvalidOperationException ex)
        {
            return [$"{GatewayOptions.SectionName}: {ex.Message}"];
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _fileEvents.ParseFailed -= OnFileParseFailed;
        _subscription.Dispose();
    }

    private void Reload()
    {
        GatewaySettings? accepted;
        IReadOnlyList<string> errors;
        lock (_reloadGate)
        {
            if (TryBind(_current.Version + 1, out accepted, out errors))
            {
                Volatile.Write(ref _current, accepted!);
            }
        }

        if (accepted is not null)
        {
            LogReloadAccepted(_logger, accepted.Version, accepted.Table.Tiers.Count, accepted.Options.Tenants.Count);
            Changed?.Invoke(accepted);
            return;
        }

        foreach (var error in errors)
        {
            LogReloadRejected(_logger, error);
        }

        Rejected?.Invoke(errors);
    }

    private void OnFileParseFailed(string path, Exception error)
    {
        LogReloadRejected(_logger, error.Message);
        Rejected?.Invoke([error.Message]);
    }

    private bool TryBind(long version, out GatewaySettings? settings, out IReadOnlyList<string> errors)
    {
        GatewayOptions options;
        try
        {
            options = Bind(_configuration);
        }
        catch (InvalidOperationException ex)
        {
            // The binder throws when a value cannot be converted, e.g. "TimeoutMs": "fast".
            settings = null;
            errors = [$"{GatewayOptions.SectionName}: {ex.Message}"];
            return false;
        }

        return GatewaySettingsBuilder.TryBuild(options, version, out settings, out errors);
    }

    private static GatewayOptions Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(GatewayOptions.SectionName);
        var options = new GatewayOptions();
        section.Bind(options);

        // The binder skips dictionary entries whose values do not convert without a word ("TimeoutMs": "fast" keeps
        // the old value, a new tier with one is dropped); binding each entry alone throws with the key instead.
        foreach (var tier in section.GetSection(nameof(GatewayOptions.Tiers)).GetChildren())
        {
            tier.Bind(new TierOptions());
        }

        foreach (var tenant in section.GetSection(nameof(GatewayOptions.Tenants)).GetChildren())
        {
            tenant.Bind(new TenantOptions());
        }

        return options;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Gateway configuration reloaded (version {Version}: {TierCount} tiers, {TenantCount} tenants)")]
    private static partial void LogReloadAccepted(ILogger logger, long version, int tierCount, int tenantCount);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Gateway configuration reload rejected, previous configuration stays in force: {Problem}")]
    private static partial void LogReloadRejected(ILogger logger, string problem);
}
