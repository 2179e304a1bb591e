using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Config.Tiers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Config.Reload;

public sealed class GatewaySettingsMonitorTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Gateway:Jwt:Issuer"] = "issuer",
        ["Gateway:Jwt:Audience"] = "audience",
        ["Gateway:Jwt:SigningKey"] = "unit-test-hs256-signing-key-0123456789abcdef",
        ["Gateway:Jwt:AllowSharedSecret"] = "true",
        ["Gateway:Tenants:tenant-s:Tier"] = "silver",
    };

    [Fact]
    public void Constructor_PartialTierOverride_KeepsSpecDefaultsForOtherFields()
    {
        // Arrange: only gold's timeout is configured; its TTL, QPS and quota come from SPEC §2.
        var configuration = Configuration(new() { ["Gateway:Tiers:gold:TimeoutMs"] = "700" });

        // Act
        using var monitor = new GatewaySettingsMonitor(configuration, new ConfigFileEvents(), NullLogger<GatewaySettingsMonitor>.Instance);

        // Assert
        var gold = monitor.Current.Table.Tiers["gold"];
        Assert.Equal(TimeSpan.FromMilliseconds(700), gold.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(30), gold.CacheTtl);
        Assert.Equal(500, gold.MaxQps);
        Assert.Equal(20L << 30, gold.CacheQuotaBytes);
        Assert.Equal(["gold", "platinum", "silver"], monitor.Current.Table.Tiers.Keys.Order());
    }

    [Fact]
    public void Constructor_InvalidConfiguration_ThrowsNamingTheKey()
    {
        // Arrange
        var configuration = Configuration(new() { ["Gateway:Tiers:gold:TimeoutMs"] = "0" });

        // Act
        var error = Assert.Throws<GatewayConfigurationException>(
            () => new GatewaySettingsMonitor(configuration, new ConfigFileEvents(), NullLogger<GatewaySettingsMonitor>.Instance));

        // Assert
        Assert.Contains("Gateway:Tiers:gold:TimeoutMs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gateway:Tiers:gold:TimeoutMs", "fast")]
    [InlineData("Gateway:Tiers:bronze:MaxQps", "many")]
    [InlineData("Gateway:Limits:MaxRequestBodyBytes", "big")]
    public void ValidateConfiguration_UnconvertibleValue_NamesTheKey(string key, string value)
    {
        // Arrange: inside a dictionary entry the binder would otherwise skip the value silently.
        var configuration = Configuration(new() { [key] = value });

        // Act
        var errors = GatewaySettingsMonitor.ValidateConfiguration(configuration);

        // Assert
        Assert.Contains(key, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_ValidChange_SwapsSnapshotAndRaisesChanged()
    {
        // Arrange
        var configuration = Configuration([]);
        using var monitor = new GatewaySettingsMonitor(configuration, new ConfigFileEvents(), NullLogger<GatewaySettingsMonitor>.Instance);
        var before = monitor.Current;
        GatewaySettings? changed = null;
        monitor.Changed += s => changed = s;

        // Act
        configuration["Gateway:Tenants:tenant-s:Tier"] = "platinum";
        configuration.Reload();

        // Assert
        Assert.NotNull(changed);
        Assert.Same(changed, monitor.Current);
        Assert.Equal(before.Version + 1, monitor.Current.Version);
        Assert.True(monitor.Current.Table.TryResolve("tenant-s", out var tenant));
        Assert.Equal("platinum", tenant.Tier.Name);
    }

    [Fact]
    public void Reload_InvalidChange_KeepsSnapshotAndRaisesRejectedWithKey()
    {
        // Arrange
        var configuration = Configuration([]);
        using var monitor = new GatewaySettingsMonitor(configuration, new ConfigFileEvents(), NullLogger<GatewaySettingsMonitor>.Instance);
        var before = monitor.Current;
        IReadOnlyList<string>? rejected = null;
        monitor.Rejected += errors => rejected = errors;

        // Act
        configuration["Gateway:Tenants:tenant-s:Tier"] = "diamond";
        configuration.Reload();

        // Assert
        Assert.Same(before, monitor.Current);
        Assert.StartsWith("Gateway:Tenants:tenant-s:Tier", Assert.Single(rejected!), StringComparison.Ordinal);
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> overrides)
    {
        var data = new Dictionary<string, string?>(Valid);
        foreach (var (key, value) in overrides)
        {
            data[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(data).Build();
    }
}
