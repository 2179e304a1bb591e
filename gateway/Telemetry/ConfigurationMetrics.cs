using System.Diagnostics.Metrics;
using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Telemetry;

/// <summary>The configuration as metrics: <c>gateway.tier.timeout</c> of each tier in force and <c>gateway.config.reloads</c> by result.</summary>
internal sealed class ConfigurationMetrics
{
    /// <summary>Creates the instruments and counts every accepted or rejected reload from now on.</summary>
    public ConfigurationMetrics(IMeterFactory meterFactory, IGatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(settings);
        var meter = meterFactory.Create(GatewayMeter.Name);
        meter.CreateObservableGauge("gateway.tier.timeout", () => TierTimeouts(settings), "s", "Hard timeout of each tier.");
        var reloads = meter.CreateCounter<long>("gateway.config.reloads", "{reload}", "Configuration reloads by result: success or failure.");
        settings.Changed += _ => reloads.Add(1, new KeyValuePair<string, object?>("result", "success"));
        settings.Rejected += _ => reloads.Add(1, new KeyValuePair<string, object?>("result", "failure"));
    }

    private static IEnumerable<Measurement<double>> TierTimeouts(IGatewaySettings settings)
    {
        foreach (var tier in settings.Current.Table.Tiers.Values)
        {
            yield return new Measurement<double>(tier.Timeout.TotalSeconds, new KeyValuePair<string, object?>("tier", tier.Name));
        }
    }
}
