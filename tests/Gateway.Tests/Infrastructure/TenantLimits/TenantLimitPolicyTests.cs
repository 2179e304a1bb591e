using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Infrastructure.TenantLimits;

public sealed class TenantLimitPolicyTests
{
    private const string Tenant = TestGatewaySettings.Gold;

    private readonly FakeTimeProvider _time = new();
    private readonly TestGatewaySettings _settings = new(o =>
    {
        o.Fairness.AutoThrottleFactor = 0.25;
        o.Fairness.AutoThrottleCooldownSeconds = 30;
    });

    [Fact]
    public void For_NeverOffended_TierLimitAtFactorOne()
    {
        // Arrange
        var (policy, _) = Create();

        // Act
        var limit = policy.For(Tenant, _settings.TierOf(Tenant), _settings.Current);

        // Assert
        Assert.Equal(new EffectiveLimit(500, 50, 1, AutoThrottled: false), limit);
    }

    [Fact]
    public void For_AutoThrottled_ConfiguredFactorApplied()
    {
        // Arrange
        var (policy, autoThrottle) = Create();
        autoThrottle.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.9, offeredRate: 1000);

        // Act
        var limit = policy.For(Tenant, _settings.TierOf(Tenant), _settings.Current);

        // Assert
        Assert.Equal(new EffectiveLimit(125, 12, 0.25, AutoThrottled: true), limit);
    }

    [Fact]
    public void For_CooldownPassed_FullLimitAgain()
    {
        // Arrange
        var (policy, autoThrottle) = Create();
        autoThrottle.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.9, offeredRate: 1000);
        _time.Advance(TimeSpan.FromSeconds(30));

        // Act
        var limit = policy.For(Tenant, _settings.TierOf(Tenant), _settings.Current);

        // Assert
        Assert.Equal(500, limit.Rate);
        Assert.False(limit.AutoThrottled);
    }

    [Fact]
    public void For_SlowTenantWellBelowItsLimit_ThrottledBelowWhatItSends()
    {
        // Arrange: gold (500 req/s) sends 20 req/s of slow queries and starves the others.
        var (policy, autoThrottle) = Create();
        autoThrottle.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.8, offeredRate: 20);

        // Act
        var limit = policy.For(Tenant, _settings.TierOf(Tenant), _settings.Current);

        // Assert: 0.25 × 20, not 0.25 × 500 (which it would never reach).
        Assert.Equal(5, limit.Rate, precision: 6);
        Assert.True(limit.AutoThrottled);
    }

    [Fact]
    public void For_Throttled_RateSetWhenEngagedNotByLaterReload()
    {
        // Arrange: engaged with factor 0.25; a reload since changed it to 0.5.
        var (policy, autoThrottle) = Create();
        autoThrottle.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.9, offeredRate: 1000);
        var pinned = _settings.Current;
        _settings.Reload(o => o.Fairness.AutoThrottleFactor = 0.5);

        // Act
        var limit = policy.For(Tenant, pinned.Table.Tiers["gold"], pinned);

        // Assert
        Assert.Equal(125, limit.Rate);
    }

    private (TenantLimitPolicy Policy, AutoThrottleController AutoThrottle) Create()
    {
        var autoThrottle = new AutoThrottleController(_settings, _time, NullLogger<AutoThrottleController>.Instance);
        return (new TenantLimitPolicy(autoThrottle), autoThrottle);
    }
}
