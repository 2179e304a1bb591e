using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.Diagnostics;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Infrastructure.TenantLimits;

/// <summary>Burst grants without Redis: this process holds them. The shared mode runs against real Redis in the integration tests.</summary>
public sealed class BurstGrantsTests : IDisposable
{
    private const string Tenant = TestGatewaySettings.Gold;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly TestGatewaySettings _settings = new();
    private readonly TestMeters _meters = new();

    [Fact]
    public async Task GrantAsync_Granted_InForceUntilItExpiresByItself()
    {
        // Arrange
        var bursts = TestStores.Bursts(_settings, _meters.Factory, _time);

        // Act
        var grant = await bursts.GrantAsync(Tenant, 2, TimeSpan.FromMinutes(30), "operator", CancellationToken.None);
        var during = bursts.Factor(Tenant);
        _time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromTicks(1));
        var lastMoment = bursts.Factor(Tenant);
        _time.Advance(TimeSpan.FromTicks(1));

        // Assert
        Assert.Equal(new BurstGrant(2, _time.GetUtcNow(), _time.GetUtcNow() - TimeSpan.FromMinutes(30), "operator"), grant);
        Assert.Equal((2.0, 2.0), (during, lastMoment));
        Assert.Equal(1, bursts.Factor(Tenant));
        Assert.Null(await bursts.GetAsync(Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task EndAsync_GrantInForce_EndedAndReturned()
    {
        // Arrange
        var bursts = TestStores.Bursts(_settings, _meters.Factory, _time);
        await bursts.GrantAsync(Tenant, 1.5, TimeSpan.FromHours(1), "operator", CancellationToken.None);

        // Act
        var (failed, ended) = await bursts.EndAsync(Tenant, CancellationToken.None);
        var again = await bursts.EndAsync(Tenant, CancellationToken.None);

        // Assert
        Assert.False(failed);
        Assert.Equal(1.5, ended!.Factor);
        Assert.Equal((false, (BurstGrant?)null), again);
        Assert.Equal(1, bursts.Factor(Tenant));
    }

    [Fact]
    public async Task GrantAsync_SecondGrant_ReplacesTheFirst()
    {
        // Arrange
        var bursts = TestStores.Bursts(_settings, _meters.Factory, _time);
        await bursts.GrantAsync(Tenant, 2, TimeSpan.FromHours(1), "first", CancellationToken.None);

        // Act
        await bursts.GrantAsync(Tenant, 1.2, TimeSpan.FromMinutes(5), "second", CancellationToken.None);

        // Assert
        var grant = await bursts.GetAsync(Tenant, CancellationToken.None);
        Assert.Equal((1.2, "second"), (grant!.Factor, grant.GrantedBy));
    }

    [Theory]
    [InlineData(1, 60)]
    [InlineData(0.5, 60)]
    [InlineData(2, 0)]
    [InlineData(2, 86_401)]
    public async Task GrantAsync_FactorNotAboveOneOrDurationOutOfRange_Throws(double factor, int seconds)
    {
        // Arrange
        var bursts = TestStores.Bursts(_settings, _meters.Factory, _time);

        // Act / Assert
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            async () => await bursts.GrantAsync(Tenant, factor, TimeSpan.FromSeconds(seconds), "operator", CancellationToken.None));
    }

    [Fact]
    public async Task BurstFactorGauge_OneGrant_ItsFactorAndOneForEveryOtherConfiguredTenant()
    {
        // Arrange
        using var gauge = new MetricCollector<double>(_meters.Factory, GatewayMeter.Name, "gateway.tenant.burst_factor");
        var bursts = TestStores.Bursts(_settings, _meters.Factory, _time);
        await bursts.GrantAsync(Tenant, 2, TimeSpan.FromHours(1), "operator", CancellationToken.None);

        // Act
        gauge.RecordObservableInstruments();

        // Assert
        var values = gauge.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["tenant"]!, m => m.Value);
        Assert.Equal(new Dictionary<string, double> { [TestGatewaySettings.Platinum] = 1, [Tenant] = 2, [TestGatewaySettings.Silver] = 1 }, values);
    }

    public void Dispose() => _meters.Dispose();
}
