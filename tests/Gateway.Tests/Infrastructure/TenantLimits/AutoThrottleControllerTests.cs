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
    public void ReportOffense_FirstTime_EngagesAndLogsBeforeAndAfterLimits()
    {
        // Arrange
        var controller = new AutoThrottleController(_settings, _time, _logger);

        // Act
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), inFlight: 3, capacity: 4);
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), inFlight: 4, capacity: 4);

        // Assert
        Assert.True(controller.IsThrottled(Tenant));
        var engaged = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 420);
        Assert.Contains("held 3 of 4 upstream slots", engaged.Message, StringComparison.Ordinal);
        Assert.Contains("limit 500 -> 250 req/s", engaged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsThrottled_QuietForCooldown_ReleasesAndLogsOnce()
    {
        // Arrange
        var controller = new AutoThrottleController(_settings, _time, _logger);
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 4, 4);

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
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 4, 4);
        _time.Advance(TimeSpan.FromSeconds(20));

        // Act: offends again at 20 s, so the 30 s of quiet count from there.
        controller.ReportOffense(Tenant, _settings.TierOf(Tenant), 4, 4);
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
    }
}
