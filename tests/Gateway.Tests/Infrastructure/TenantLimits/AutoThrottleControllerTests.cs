using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

using Gateway.Tests.Support;

namespace Gateway.Tests.Infrastructure.TenantLimits;

public sealed class AutoThrottleControllerTests
{
    private const string Tenant = TestGatewaySettings.Gold;

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<AutoThrottleController> _logger = new();
    private readonly TestGatewaySettings _settings = new(o =>
    {
        o.Fairness.AutoThrottleFactor = 0.5;
        o.Fairness.AutoThrottleCooldownSeconds = 30;
    });

    [Fact]
    public void ReportOffense_FloodAboveTierRate_EngagesAtFactorTimesTierRateAndLogsBeforeAndAfter()
    {
        // Arrange
        var controller = new AutoThrottleController(_settings, _time, _logger);

        // Act
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.75, offeredRate: 2000);
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.8, offeredRate: 2000);

        // Assert
        Assert.Equal(250, controller.ThrottledRate(Tenant));
        var engaged = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 420);
        Assert.Contains("held 75% of an upstream's slot-time", engaged.Message, StringComparison.Ordinal);
        Assert.Contains("limit 500 -> 250 req/s", engaged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportOffense_SlowQueriesWellBelowTierRate_EngagesBelowWhatItSends()
    {
        // Arrange: 15 req/s of slow queries against a 500 req/s tier.
        var controller = new AutoThrottleController(_settings, _time, _logger);

        // Act
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.9, offeredRate: 15);

        // Assert
        Assert.Equal(7.5, controller.ThrottledRate(Tenant));
        var engaged = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 420);
        Assert.Contains("sending 15 req/s; limit 500 -> 7.5 req/s", engaged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportOffense_SeveralNodes_SendingRateCountsEveryNode()
    {
        // Arrange: each of three nodes sees a third of the tenant's traffic.
        _settings.Reload(o =>
        {
            o.Fairness.AutoThrottleFactor = 0.5;
            o.Throttling.ExpectedNodes = 3;
        });
        var controller = new AutoThrottleController(_settings, _time, _logger);

        // Act
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.9, offeredRate: 10);

        // Assert
        Assert.Equal(15, controller.ThrottledRate(Tenant));
    }

    [Fact]
    public void ReportOffense_StillOffendingAfterTightenInterval_LowersAgainNotBelowMinimum()
    {
        // Arrange
        var controller = new AutoThrottleController(_settings, _time, _logger);
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 0.9, offeredRate: 8);

        // Act: offends again within the interval (ignored), then after it, and many times more.
        _time.Advance(TimeSpan.FromSeconds(1));
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 0.9, offeredRate: 4);
        var withinInterval = controller.ThrottledRate(Tenant);
        _time.Advance(AutoThrottleController.TightenInterval);
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 0.9, offeredRate: 4);
        var tightened = controller.ThrottledRate(Tenant);
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(AutoThrottleController.TightenInterval);
            controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 0.9, offeredRate: 4);
        }

        // Assert
        Assert.Equal(4, withinInterval);
        Assert.Equal(2, tightened);
        Assert.Equal(AutoThrottleController.MinimumRate, controller.ThrottledRate(Tenant));
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Id == 422 && r.Message.Contains("limit 4 -> 2 req/s", StringComparison.Ordinal));
    }

    [Fact]
    public void IsThrottled_QuietForCooldown_ReleasesAndLogsOnce()
    {
        // Arrange
        var controller = new AutoThrottleController(_settings, _time, _logger);
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 0.9, 1000);

        // Act / Assert: still throttled a moment before the cool-down ends, released at it.
        _time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.True(controller.IsThrottled(Tenant));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(controller.IsThrottled(Tenant));
        Assert.False(controller.IsThrottled(Tenant));
        var released = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 421);
        Assert.Contains("limit 250 -> 500 req/s", released.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportOffense_DuringCooldown_ExtendsIt()
    {
        // Arrange
        var controller = new AutoThrottleController(_settings, _time, _logger);
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 0.9, 1000);
        _time.Advance(TimeSpan.FromSeconds(20));

        // Act: offends again at 20 s, so the 30 s of quiet count from there.
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 0.9, 1000);
        _time.Advance(TimeSpan.FromSeconds(20));
        controller.Evaluate();
        var at40 = controller.IsThrottled(Tenant);
        _time.Advance(TimeSpan.FromSeconds(10));
        controller.Evaluate();

        // Assert
        Assert.True(at40);
        Assert.False(controller.IsThrottled(Tenant));
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 420);
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 421);
    }

    [Fact]
    public void IsThrottled_NeverOffended_False()
    {
        // Arrange
        var controller = new AutoThrottleController(_settings, _time, _logger);

        // Act / Assert
        Assert.False(controller.IsThrottled(Tenant));
        Assert.Null(controller.ThrottledRate(Tenant));
    }
}
