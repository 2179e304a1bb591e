using Gateway.Tests.Support;
using Gateway.Transforms.Caching.Stores.Near;

namespace Gateway.Tests.Caching.Stores.Near;

public sealed class NearCacheSharesTests
{
    [Fact]
    public void Of_DefaultTiers_SharedInProportionToTheirCacheQuotas()
    {
        // Arrange: platinum 40 GB, gold 20 GB, silver 10 GB; 70 MiB to share.
        var settings = new TestGatewaySettings(o => o.Cache.NearCacheBytes = 70L << 20).Current;

        // Act
        var platinum = NearCacheShares.Of(settings, TestGatewaySettings.Platinum);
        var gold = NearCacheShares.Of(settings, TestGatewaySettings.Gold);
        var silver = NearCacheShares.Of(settings, TestGatewaySettings.Silver);

        // Assert
        Assert.Equal(40L << 20, platinum);
        Assert.Equal(20L << 20, gold);
        Assert.Equal(10L << 20, silver);
    }

    [Fact]
    public void Of_TenantServedThroughTheDefaultTier_GetsNoShare()
    {
        // Arrange
        var settings = new TestGatewaySettings(o => o.DefaultTier = "silver").Current;

        // Act / Assert
        Assert.Equal(0, NearCacheShares.Of(settings, "not-in-the-table"));
    }

    [Fact]
    public void Of_NearCacheOff_NoShares()
    {
        // Arrange
        var settings = new TestGatewaySettings(o => o.Cache.NearCacheBytes = 0).Current;

        // Act / Assert
        Assert.Equal(0, NearCacheShares.Of(settings, TestGatewaySettings.Platinum));
    }
}
