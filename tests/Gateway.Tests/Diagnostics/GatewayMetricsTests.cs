using Gateway.Tests.Support;
using Gateway.Transforms.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Tests.Diagnostics;

public sealed class GatewayMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TestGatewaySettings _settings = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void SetThrottleState_TenantMovedToAnotherTier_OldTierSeriesDisappears()
    {
        // Arrange
        var metrics = new GatewayMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), _settings);
        using var hot = new MetricCollector<double>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            GatewayMetrics.MeterName, "gateway.tenant.hot");
        metrics.SetThrottleState("tenant-a", "silver", new TenantThrottleState(200, 0.9, Hot: true, AutoThrottled: false));

        // Act
        metrics.SetThrottleState("tenant-a", "platinum", new TenantThrottleState(1000, 0.1, Hot: false, AutoThrottled: false));
        hot.RecordObservableInstruments();

        // Assert: one series for the tenant, under its new tier.
        var series = hot.GetMeasurementSnapshot().Where(m => (string?)m.Tags["tenant"] == "tenant-a").ToList();
        var only = Assert.Single(series);
        Assert.Equal("platinum", only.Tags["tier"]);
        Assert.Equal(0, only.Value);
    }

    [Fact]
    public void ConfigReloads_AcceptedAndRejected_CountedByResult()
    {
        // Arrange
        var factory = _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _ = new GatewayMetrics(factory, _settings);
        using var reloads = new MetricCollector<long>(factory, GatewayMetrics.MeterName, "gateway.config.reloads");

        // Act
        _settings.Publish();
        _settings.Reject("Gateway:Tiers:gold:TimeoutMs must be a positive number of milliseconds (got 0).");
        _settings.Reject("malformed");

        // Assert
        var measurements = reloads.GetMeasurementSnapshot();
        Assert.Equal(1, measurements.Where(m => (string?)m.Tags["result"] == "success").Sum(m => m.Value));
        Assert.Equal(2, measurements.Where(m => (string?)m.Tags["result"] == "failure").Sum(m => m.Value));
    }
}
