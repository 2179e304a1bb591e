using Gateway.Config.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Config.Settings;

public sealed class GatewaySettingsBuilderTests
{
    [Fact]
    public void TryBuild_ValidOptions_BuildsTablesWithDerivedDefaults()
    {
        // Arrange
        var options = TestGatewaySettings.ValidOptions();
        options.DefaultTier = "silver";
        options.Tiers["gold"].Burst = 7;

        // Act
        var built = GatewaySettingsBuilder.TryBuild(options, version: 42, out var settings, out var errors);

        // Assert
        Assert.True(built);
        Assert.Empty(errors);
        Assert.Equal(42, settings!.Version);
        var platinum = settings.Table.Tiers["platinum"];
        Assert.Equal(TimeSpan.FromMilliseconds(200), platinum.Timeout);
        Assert.Equal(TimeSpan.FromHours(1), platinum.CacheTtl);
        Assert.Equal(1000, platinum.MaxQps);
        Assert.Equal(100, platinum.Burst);
        Assert.Equal(40L << 30, platinum.CacheQuotaBytes);
        Assert.Equal(7, settings.Table.Tiers["gold"].Burst);
        Assert.True(settings.Table.TryResolve("tenant-b", out var gold));
        Assert.Equal("gold", gold.Tier.Name);
        Assert.Equal("silver", settings.Table.DefaultTier!.Name);
    }

    [Fact]
    public void TryBuild_TinyQps_BurstAtLeastOne()
    {
        // Arrange
        var options = TestGatewaySettings.ValidOptions();
        options.Tiers["silver"].MaxQps = 3;

        // Act
        GatewaySettingsBuilder.TryBuild(options, 1, out var settings, out _);

        // Assert
        Assert.Equal(1, settings!.Table.Tiers["silver"].Burst);
    }

    [Fact]
    public void TryBuild_InvalidOptions_ReturnsFalseWithErrors()
    {
        // Arrange
        var options = TestGatewaySettings.ValidOptions();
        options.Tiers["gold"].CacheQuota = "a lot";

        // Act
        var built = GatewaySettingsBuilder.TryBuild(options, 1, out var settings, out var errors);

        // Assert
        Assert.False(built);
        Assert.Null(settings);
        Assert.StartsWith("Gateway:Tiers:gold:CacheQuota", Assert.Single(errors), StringComparison.Ordinal);
    }
}
