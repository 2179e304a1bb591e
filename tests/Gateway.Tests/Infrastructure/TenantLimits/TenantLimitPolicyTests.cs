using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Infrastructure.TenantLimits;

public sealed class TenantLimitPolicyTests : IDisposable
{
    private const string Tenant = TestGatewaySettings.Gold;

    private readonly FakeTimeProvider _time = new();
    private readonly TestMeters _meters = new();
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

    [Fact]
    public async Task For_BurstGranted_LimitMultipliedByTheGrant()
    {
        // Arrange
        var (policy, _, bursts) = CreateWithBursts();
        await bursts.GrantAsync(Tenant, 2, TimeSpan.FromMinutes(10), "operator", CancellationToken.None);

        // Act
        var limit = policy.For(Tenant, _settings.TierOf(Tenant), _settings.Current);

        // Assert
        Assert.Equal(new EffectiveLimit(1000, 100, 2, AutoThrottled: false, BurstFactor: 2), limit);
    }

    [Fact]
    public async Task For_BurstAndAutoThrottle_FactorsMultiply()
    {
        // Arrange: granted x2, then throttled at 0.25.
        var (policy, autoThrottle, bursts) = CreateWithBursts();
        await bursts.GrantAsync(Tenant, 2, TimeSpan.FromMinutes(10), "operator", CancellationToken.None);
        autoThrottle.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.9, offeredRate: 1000);

        // Act
        var limit = policy.For(Tenant, _settings.TierOf(Tenant), _settings.Current);

        // Assert
        Assert.Equal(new EffectiveLimit(250, 25, 0.5, AutoThrottled: true, BurstFactor: 2), limit);
    }

    [Fact]
    public async Task For_BurstExpired_TierLimitAgain()
    {
        // Arrange
        var (policy, _, bursts) = CreateWithBursts();
        await bursts.GrantAsync(Tenant, 2, TimeSpan.FromMinutes(10), "operator", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(10));

        // Act
        var limit = policy.For(Tenant, _settings.TierOf(Tenant), _settings.Current);

        // Assert
        Assert.Equal(500, limit.Rate);
        Assert.Equal(1, limit.BurstFactor);
    }

    [Fact]
    public async Task For_TierCapLoweredAfterTheGrant_CappedByTheTier()
    {
        // Arrange: granted x2 under the default cap, then the tier's cap is reloaded to 1.5.
        var (policy, _, bursts) = CreateWithBursts();
        await bursts.GrantAsync(Tenant, 2, TimeSpan.FromMinutes(10), "operator", CancellationToken.None);
        _settings.Reload(o => o.Tiers["gold"].MaxBurstFactor = 1.5);

        // Act
        var limit = policy.For(Tenant, _settings.TierOf(Tenant), _settings.Current);

        // Assert
        Assert.Equal(750, limit.Rate);
    }

    [Fact]
    public async Task For_TenantOnlyThroughTheDefaultTier_NoBurst()
    {
        // Arrange: a grant recorded for an id that is not in the tenant table.
        _settings.Reload(o => o.DefaultTier = "gold");
        var (policy, _, bursts) = CreateWithBursts();
        await bursts.GrantAsync("walk-in", 2, TimeSpan.FromMinutes(10), "operator", CancellationToken.None);

        // Act
        var limit = policy.For("walk-in", _settings.TierOf("walk-in"), _settings.Current);

        // Assert
        Assert.Equal(500, limit.Rate);
    }

    public void Dispose() => _meters.Dispose();

    private (TenantLimitPolicy Policy, AutoThrottleController AutoThrottle) Create()
    {
        var (policy, autoThrottle, _) = CreateWithBursts();
        return (policy, autoThrottle);
    }

    private (TenantLimitPolicy Policy, AutoThrottleController AutoThrottle, BurstGrants Bursts) CreateWithBursts()
    {
        var autoThrottle = new AutoThrottleController(_settings, _time, NullLogger<AutoThrottleController>.Instance);
        var bursts = TestStores.Bursts(_settings, _meters.Factory, _time);
        return (new TenantLimitPolicy(autoThrottle, bursts), autoThrottle, bursts);
    }
}
