using Gateway.Transforms.Throttling;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

using Gateway.Tests.Support;

namespace Gateway.Tests.Throttling;

public sealed class HotTenantDetectorTests
{
    private const string Tenant = TestGatewaySettings.Silver;
    private const int WindowSeconds = 5;

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<HotTenantDetector> _logger = new();
    private readonly TestGatewaySettings _settings = new(o =>
    {
        o.Tiers["silver"].MaxQps = 10;
        o.Throttling.HotWindowSeconds = WindowSeconds;
        o.Throttling.HotThreshold = 0.8;
    });

    [Fact]
    public void Evaluate_RateAboveThreshold_FlagsHotAndLogsOnce()
    {
        // Arrange
        var detector = new HotTenantDetector(_settings, _time, _logger);

        // Act: 9 req/s (90% of 10) for twice the window, evaluated every second as the monitor does.
        var states = Drive(detector, perSecond: 9, seconds: 2 * WindowSeconds);

        // Assert
        Assert.True(states[^1].Hot);
        Assert.Equal(9, states[^1].Rate, precision: 1);
        Assert.Equal(0.9, states[^1].Utilization, precision: 2);
        var hot = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 410);
        Assert.Contains(Tenant, hot.Message, StringComparison.Ordinal);
        Assert.Contains("10.0 req/s limit", hot.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_BelowThreshold_NeverHot()
    {
        // Arrange
        var detector = new HotTenantDetector(_settings, _time, _logger);

        // Act: 7 req/s is 70%.
        var states = Drive(detector, perSecond: 7, seconds: 2 * WindowSeconds);

        // Assert
        Assert.All(states, s => Assert.False(s.Hot));
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Id.Id == 410);
    }

    [Fact]
    public void Evaluate_TrafficStops_ClearsHotAndLogsOnce()
    {
        // Arrange
        var detector = new HotTenantDetector(_settings, _time, _logger);
        Drive(detector, perSecond: 12, seconds: 2 * WindowSeconds);
        Assert.True(detector.Get(Tenant).Hot);

        // Act: silence for two windows.
        var states = Drive(detector, perSecond: 0, seconds: 2 * WindowSeconds);

        // Assert
        Assert.False(states[^1].Hot);
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 410);
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 411);
    }

    [Fact]
    public void Evaluate_RateInHysteresisBand_StaysHot()
    {
        // Arrange: hot at 9 req/s.
        var detector = new HotTenantDetector(_settings, _time, _logger);
        Drive(detector, perSecond: 9, seconds: 2 * WindowSeconds);

        // Act: 7.5 req/s is below the 80% threshold but above 90% of it (72%).
        var states = Drive(detector, perSecond: 7.5, seconds: 2 * WindowSeconds);

        // Assert
        Assert.All(states, s => Assert.True(s.Hot));
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Id.Id == 411);
    }

    [Fact]
    public void Evaluate_TwoExpectedNodes_ComparesWithThisNodesShare()
    {
        // Arrange: this node sees 4.5 req/s of a 10 req/s limit shared by two nodes: 90% of its share.
        _settings.Reload(o =>
        {
            o.Tiers["silver"].MaxQps = 10;
            o.Throttling.HotWindowSeconds = WindowSeconds;
            o.Throttling.ExpectedNodes = 2;
        });
        var detector = new HotTenantDetector(_settings, _time, _logger);

        // Act
        var states = Drive(detector, perSecond: 4.5, seconds: 2 * WindowSeconds);

        // Assert
        Assert.True(states[^1].Hot);
        Assert.Equal(5, states[^1].Limit);
    }

    private List<HotTenantState> Drive(HotTenantDetector detector, double perSecond, int seconds)
    {
        var states = new List<HotTenantState>();
        var carry = 0.0;
        for (var s = 0; s < seconds; s++)
        {
            carry += perSecond;
            var count = (int)carry;
            carry -= count;
            var step = TimeSpan.FromSeconds(1.0 / Math.Max(1, count + 1));
            var spent = TimeSpan.Zero;
            for (var i = 0; i < count; i++)
            {
                detector.Record(Tenant, WindowSeconds);
                _time.Advance(step);
                spent += step;
            }

            _time.Advance(TimeSpan.FromSeconds(1) - spent);
            detector.Evaluate();
            states.Add(detector.Get(Tenant));
        }

        return states;
    }
}
