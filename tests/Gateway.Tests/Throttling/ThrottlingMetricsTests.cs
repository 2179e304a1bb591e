using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.Diagnostics;
using Gateway.Transforms.Throttling;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Tests.Throttling;

public sealed class ThrottlingMetricsTests : IDisposable
{
    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void SetState_TenantMovedToAnotherTier_OldTierSeriesDisappears()
    {
        // Arrange
        var metrics = new ThrottlingMetrics(_meters.Factory);
        using var hot = new MetricCollector<double>(_meters.Factory, GatewayMeter.Name, "gateway.tenant.hot");
        metrics.SetState("tenant-a", "silver", new TenantThrottleState(200, 0.9, Hot: true, AutoThrottled: false));

        // Act
        metrics.SetState("tenant-a", "platinum", new TenantThrottleState(1000, 0.1, Hot: false, AutoThrottled: false));
        hot.RecordObservableInstruments();

        // Assert: one series for the tenant, under its new tier.
        var series = hot.GetMeasurementSnapshot().Where(m => (string?)m.Tags["tenant"] == "tenant-a").ToList();
        var only = Assert.Single(series);
        Assert.Equal("platinum", only.Tags["tier"]);
        Assert.Equal(0, only.Value);
    }

    [Fact]
    public void RetainTenants_TenantLeftTheTable_ItsSeriesDisappear()
    {
        // Arrange
        var metrics = new ThrottlingMetrics(_meters.Factory);
        using var limits = new MetricCollector<double>(_meters.Factory, GatewayMeter.Name, "gateway.throttle.effective_limit");
        metrics.SetState("tenant-a", "platinum", new TenantThrottleState(1000, 0.1, Hot: false, AutoThrottled: false));
        metrics.SetState("tenant-b", "gold", new TenantThrottleState(250, 0.9, Hot: true, AutoThrottled: true));

        // Act
        metrics.RetainTenants(new HashSet<string>(["tenant-b"], StringComparer.Ordinal));
        limits.RecordObservableInstruments();

        // Assert
        var only = Assert.Single(limits.GetMeasurementSnapshot());
        Assert.Equal("tenant-b", only.Tags["tenant"]);
        Assert.Equal(250, only.Value);
    }
}
