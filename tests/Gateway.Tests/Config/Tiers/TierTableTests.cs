using Gateway.Config.Tiers;

namespace Gateway.Tests.Config.Tiers;

public sealed class TierTableTests
{
    private static readonly Tier Platinum = new("platinum", TimeSpan.FromMilliseconds(200), TimeSpan.FromHours(1), 1000, 100, 40L << 30, 4);
    private static readonly Tier Silver = new("silver", TimeSpan.FromMilliseconds(1000), TimeSpan.FromMinutes(15), 200, 20, 10L << 30, 1);

    [Fact]
    public void TryResolve_ListedTenant_ReturnsItsTier()
    {
        // Arrange
        var table = Table(defaultTier: Silver);

        // Act
        var found = table.TryResolve("tenant-a", out var resolved);

        // Assert
        Assert.True(found);
        Assert.Equal("tenant-a", resolved.TenantId);
        Assert.Same(Platinum, resolved.Tier);
        Assert.False(resolved.ViaDefaultTier);
    }

    [Fact]
    public void TryResolve_UnlistedTenantWithoutDefaultTier_ReturnsFalse()
    {
        // Arrange
        var table = Table(defaultTier: null);

        // Act
        var found = table.TryResolve("tenant-z", out var resolved);

        // Assert
        Assert.False(found);
        Assert.Equal(default, resolved);
    }

    [Fact]
    public void TryResolve_UnlistedTenantWithDefaultTier_ReturnsDefaultTierFlagged()
    {
        // Arrange
        var table = Table(defaultTier: Silver);

        // Act
        var found = table.TryResolve("tenant-z", out var resolved);

        // Assert
        Assert.True(found);
        Assert.Equal("tenant-z", resolved.TenantId);
        Assert.Same(Silver, resolved.Tier);
        Assert.True(resolved.ViaDefaultTier);
    }

    [Fact]
    public void TryResolve_TenantIdInOtherCase_IsAnotherTenant()
    {
        // Arrange: tenant ids end up in cache keys; "Tenant-A" must not borrow tenant-a's tier or data.
        var table = Table(defaultTier: null);

        // Act
        var found = table.TryResolve("Tenant-A", out _);

        // Assert
        Assert.False(found);
        Assert.False(table.IsKnownTenant("Tenant-A"));
    }

    [Fact]
    public void IsKnownTenant_DefaultTierConfigured_OnlyListedTenantsAreKnown()
    {
        // Arrange
        var table = Table(defaultTier: Silver);

        // Act / Assert
        Assert.True(table.IsKnownTenant("tenant-a"));
        Assert.False(table.IsKnownTenant("tenant-z"));
        Assert.Equal(["tenant-a"], table.TenantIds);
    }

    private static TierTable Table(Tier? defaultTier) => new(
        new Dictionary<string, Tier> { ["platinum"] = Platinum, ["silver"] = Silver },
        new Dictionary<string, Tier> { ["tenant-a"] = Platinum },
        defaultTier);
}
