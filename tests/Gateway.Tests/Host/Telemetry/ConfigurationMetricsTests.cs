using Gateway.Telemetry;
using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Tests.Host.Telemetry;

public sealed class ConfigurationMetricsTests : IDisposable
{
    private readonly TestMeters _meters = new();
    private readonly TestGatewaySettings _settings = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void ConfigReloads_AcceptedAndRejected_CountedByResult()
    {
        // Arrange
        _ = new ConfigurationMetrics(_meters.Factory, _settings);
        using var reloads = new MetricCollector<long>(_meters.Factory, GatewayMeter.Name, "gateway.config.reloads");

        // Act
        _settings.Reload();
        _settings.Reject("Gateway:Tiers:gold:TimeoutMs must be a positive number of milliseconds (got 0).");
        _settings.Reject("malformed");

        // Assert
        var measurements = reloads.GetMeasurementSnapshot();
        Assert.Equal(1, measurements.Where(m => (string?)m.Tags["result"] == "success").Sum(m => m.Value));
        Assert.Equal(2, measurements.Where(m => (string?)m.Tags["result"] == "failure").Sum(m => m.Value));
    }

    [Fact]
    public void TierTimeout_DefaultTiers_OneSeriesPerTierInSeconds()
    {
        // Arrange
        _ = new ConfigurationMetrics(_meters.Factory, _settings);
        using var timeouts = new MetricCollector<double>(_meters.Factory, GatewayMeter.Name, "gateway.tier.timeout");

        // Act
        timeouts.RecordObservableInstruments();

        // Assert
        var byTier = timeouts.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["tier"]!, m => m.Value);
        Assert.Equal(new Dictionary<string, double> { ["gold"] = 0.5, ["platinum"] = 0.2, ["silver"] = 1 }, byTier);
    }
}
