using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.TenantLimits;

namespace Gateway.Tests.Infrastructure.TenantLimits;

public sealed class EffectiveLimitTests
{
    private static readonly Tier Gold = new("gold", TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(30), 500, 50, 1, 2);

    [Fact]
    public void Of_FactorOne_TierRateAndBurst()
    {
        // Act
        var limit = EffectiveLimit.Of(Gold, 1);

        // Assert
        Assert.Equal(500, limit.Rate);
        Assert.Equal(50, limit.Burst);
        Assert.False(limit.AutoThrottled);
    }

    [Fact]
    public void Of_HalfFactor_ScalesRateAndBurst()
    {
        // Act
        var limit = EffectiveLimit.Of(Gold, 0.5, autoThrottled: true);

        // Assert
        Assert.Equal(250, limit.Rate);
        Assert.Equal(25, limit.Burst);
        Assert.Equal(0.5, limit.Factor);
        Assert.True(limit.AutoThrottled);
    }

    [Fact]
    public void Of_TinyBurstScaledDown_KeepsOneToken()
    {
        // Arrange
        var tiny = Gold with { MaxQps = 3, Burst = 1 };

        // Act
        var limit = EffectiveLimit.Of(tiny, 0.25);

        // Assert
        Assert.Equal(0.75, limit.Rate);
        Assert.Equal(1, limit.Burst);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Of_FactorNotPositive_Throws(double factor) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EffectiveLimit.Of(Gold, factor));
}
