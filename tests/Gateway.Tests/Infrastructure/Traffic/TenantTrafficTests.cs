using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Traffic;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Infrastructure.Traffic;

public sealed class TenantTrafficTests
{
    private const string Tenant = TestGatewaySettings.Gold;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly TestGatewaySettings _settings = new();

    [Fact]
    public void Snapshot_SteadyTwentyPerSecond_RateOfTheLastWindow()
    {
        // Arrange: 20 req/s for 30 s, half of them refused.
        var traffic = new TenantTraffic(_settings, _time);
        for (var i = 0; i < 600; i++)
        {
            traffic.Record(Tenant, refused: i % 2 == 0, CacheResult.None, withinSla: null, 0);
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        // Act
        var current = traffic.Snapshot(Tenant).Current;

        // Assert
        Assert.InRange(current.Seconds, TenantTraffic.RateWindow.TotalSeconds, TenantTraffic.RateWindow.TotalSeconds + TenantTraffic.Resolution.TotalSeconds);
        Assert.Equal(20, current.Rate, precision: 0);
        Assert.Equal(10, current.RefusedRate, precision: 0);
    }

    [Fact]
    public void Snapshot_HitsMissesAndSla_RatiosOverTheHistory()
    {
        // Arrange: 3 hits and 1 miss within budget, 1 over budget.
        var traffic = new TenantTraffic(_settings, _time);
        traffic.Record(Tenant, false, CacheResult.Hit, withinSla: true, 0.001);
        traffic.Record(Tenant, false, CacheResult.Hit, withinSla: true, 0.001);
        traffic.Record(Tenant, false, CacheResult.Hit, withinSla: true, 0.001);
        traffic.Record(Tenant, false, CacheResult.Miss, withinSla: true, 0.1);
        traffic.Record(Tenant, false, CacheResult.Bypass, withinSla: false, 0.6);

        // Act
        var history = traffic.Snapshot(Tenant).History;

        // Assert
        Assert.Equal(0.75, history.HitRate);
        Assert.Equal(0.8, history.SlaCompliance);
        Assert.Equal(5, history.Requests);
    }

    [Fact]
    public void History_TenMinutesOfIntervals_OldestFirstAndOlderTrafficDropped()
    {
        // Arrange: one request now, then eleven minutes of one request a minute.
        var traffic = new TenantTraffic(_settings, _time);
        for (var minute = 0; minute <= 11; minute++)
        {
            traffic.Record(Tenant, false, CacheResult.None, withinSla: true, 0.01);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        // Act
        var history = traffic.History(Tenant);

        // Assert: 120 intervals; only the requests younger than ten minutes (minutes 3 to 11 of 0 to 11, the history
        // ends at minute 12) are still counted, though the ring slots of the older ones were reused.
        Assert.Equal(TenantTraffic.Slots, history.Count);
        Assert.Equal(9, history.Sum(p => p.Requests));
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.Start < p.Second.Start));
        Assert.Equal(_time.GetUtcNow(), history[^1].Start + TimeSpan.FromSeconds(history[^1].Seconds));
    }

    [Fact]
    public void Snapshot_TenantRemovedByReload_Forgotten()
    {
        // Arrange
        var traffic = new TenantTraffic(_settings, _time);
        traffic.Record(Tenant, false, CacheResult.None, withinSla: true, 0.01);

        // Act
        _settings.Reload(o => o.Tenants.Remove(Tenant));

        // Assert
        Assert.Equal(0, traffic.Snapshot(Tenant).History.Requests);
    }

    [Fact]
    public void Snapshot_RefusalsAndRejections_NotInTheLatency()
    {
        // Arrange: one slow served request, many instant refusals (withinSla null).
        var traffic = new TenantTraffic(_settings, _time);
        traffic.Record(Tenant, false, CacheResult.Miss, withinSla: true, 0.3);
        for (var i = 0; i < 50; i++)
        {
            traffic.Record(Tenant, refused: true, CacheResult.None, withinSla: null, 0.0001);
        }

        // Act
        var latency = traffic.Snapshot(Tenant).Latency;

        // Assert
        Assert.InRange(latency.P95Seconds!.Value, 0.3 / LatencyBins.Step, 0.3 * LatencyBins.Step);
        Assert.Equal(1, latency.WithinSla);
    }
}
