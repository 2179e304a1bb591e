using Gateway.Config.Tiers;
using Gateway.Transforms.Caching;

namespace Gateway.Tests.Caching;

public sealed class CacheLifetimesTests
{
    private static readonly Tier Gold = new("gold", TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(30), 500, 50, 20L << 30, 2);
    private static readonly Tier Silver = new("silver", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15), 200, 20, 10L << 30, 1);

    [Fact]
    public void WriteLimit_Quota95Percent_FlooredBytes()
    {
        // Act / Assert
        Assert.Equal(7782, CacheLifetimes.WriteLimit(8192, 0.95));
        Assert.Equal(8192, CacheLifetimes.WriteLimit(8192, 1.0));
    }

    [Theory]
    [InlineData(60, 35)]
    [InlineData(1800, 35)]
    [InlineData(3600, 65)]
    public void ForWrite_EntryTtl_MetadataOutlivesBothEntryAndTierTtl(int entrySeconds, int expectedMinutes) =>
        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), CacheLifetimes.ForWrite(Gold, TimeSpan.FromSeconds(entrySeconds)));

    [Fact]
    public void ForInvalidation_Table_LongestTierTtlPlusMargin()
    {
        // Arrange
        var table = new TierTable(new Dictionary<string, Tier> { ["gold"] = Gold, ["silver"] = Silver }, new Dictionary<string, Tier>(), null);

        // Act / Assert
        Assert.Equal(TimeSpan.FromMinutes(35), CacheLifetimes.ForInvalidation(table));
    }
}
