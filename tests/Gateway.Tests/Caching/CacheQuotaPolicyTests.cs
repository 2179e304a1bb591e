using Gateway.Tests.Support;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Caching.Stores.Embedded;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Caching;

public sealed class CacheQuotaPolicyTests
{
    private const long Mb = 1024 * 1024;

    [Fact]
    public void EmbeddedQuota_DefaultTiers_ShareOfTheBoundByTierWeight()
    {
        // Arrange: one tenant per tier (weights 4, 2 and 1; quotas of 40, 20 and 10 GB far above), bound 256 MB.
        var settings = new TestGatewaySettings(o => o.Cache.EmbeddedMaxBytes = 256 * Mb);

        // Act
        var platinum = CacheQuotaPolicy.EmbeddedQuota(settings.TierOf(TestGatewaySettings.Platinum), settings.Current);
        var gold = CacheQuotaPolicy.EmbeddedQuota(settings.TierOf(TestGatewaySettings.Gold), settings.Current);
        var silver = CacheQuotaPolicy.EmbeddedQuota(settings.TierOf(TestGatewaySettings.Silver), settings.Current);

        // Assert: 4/7, 2/7 and 1/7 of the bound, together no more than it.
        Assert.Equal((long)Math.Floor(256 * Mb * 4 / 7.0), platinum);
        Assert.Equal((long)Math.Floor(256 * Mb * 2 / 7.0), gold);
        Assert.Equal((long)Math.Floor(256 * Mb / 7.0), silver);
        Assert.True(platinum + gold + silver <= 256 * Mb);
    }

    [Fact]
    public void EmbeddedQuota_BoundAboveAllQuotas_TierQuota()
    {
        // Arrange: quotas of 4, 2 and 1 MB fit a 256 MB bound several times over.
        var settings = new TestGatewaySettings(o =>
        {
            o.Cache.EmbeddedMaxBytes = 256 * Mb;
            o.Tiers["platinum"].CacheQuota = "4MB";
            o.Tiers["gold"].CacheQuota = "2MB";
            o.Tiers["silver"].CacheQuota = "1MB";
        });

        // Act
        var silver = CacheQuotaPolicy.EmbeddedQuota(settings.TierOf(TestGatewaySettings.Silver), settings.Current);

        // Assert
        Assert.Equal(1 * Mb, silver);
    }

    [Fact]
    public void EmbeddedQuota_SmallQuotaTier_KeepsItsQuotaAndOthersShareTheRest()
    {
        // Arrange: silver's quota (1 MB) is below its weighted part of a 71 MB bound.
        var settings = new TestGatewaySettings(o =>
        {
            o.Cache.EmbeddedMaxBytes = 71 * Mb;
            o.Tiers["silver"].CacheQuota = "1MB";
        });

        // Act
        var silver = CacheQuotaPolicy.EmbeddedQuota(settings.TierOf(TestGatewaySettings.Silver), settings.Current);
        var platinum = CacheQuotaPolicy.EmbeddedQuota(settings.TierOf(TestGatewaySettings.Platinum), settings.Current);
        var gold = CacheQuotaPolicy.EmbeddedQuota(settings.TierOf(TestGatewaySettings.Gold), settings.Current);

        // Assert: the 70 MB left go 4:2 to platinum and gold.
        Assert.Equal(1 * Mb, silver);
        Assert.Equal(70 * Mb * 4 / 6, platinum);
        Assert.Equal(70 * Mb * 2 / 6, gold);
    }

    [Fact]
    public void EmbeddedQuota_MoreTenantsOnATier_EachGetsLess()
    {
        // Arrange: a second gold tenant joins.
        var settings = new TestGatewaySettings(o =>
        {
            o.Cache.EmbeddedMaxBytes = 256 * Mb;
            o.Tenants["tenant-b2"] = new() { Tier = "gold" };
        });

        // Act
        var gold = CacheQuotaPolicy.EmbeddedQuota(settings.TierOf(TestGatewaySettings.Gold), settings.Current);

        // Assert: weight 2 of 9 now.
        Assert.Equal((long)Math.Floor(256 * Mb * 2 / 9.0), gold);
    }

    [Fact]
    public void EffectiveQuota_EmbeddedStore_TheShare()
    {
        // Arrange
        var settings = new TestGatewaySettings(o => o.Cache.EmbeddedMaxBytes = 70 * Mb);
        using var store = new EmbeddedCacheStore(new FakeTimeProvider(), settings);
        var policy = new CacheQuotaPolicy(store);

        // Act
        var quota = policy.EffectiveQuota(settings.TierOf(TestGatewaySettings.Gold), settings.Current);

        // Assert
        Assert.Equal(20 * Mb, quota);
    }
}
