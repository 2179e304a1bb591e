using System.Text;
using Gateway.Transforms.Caching.Serialization;
using Gateway.Transforms.Caching.Stores.Near;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Caching.Stores.Near;

public sealed class NearCacheTests
{
    private const long Share = 1 << 20;

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryGet_KeptForThatTenantAndGeneration_ReturnsTheEntry()
    {
        // Arrange
        var near = new NearCache(_time);
        var entry = Entry("tenant-a");
        near.Put("tenant-a", 3, "k", entry, Share);

        // Act
        var found = near.TryGet("tenant-a", 3, "k", out var read);

        // Assert
        Assert.True(found);
        Assert.Same(entry, read);
    }

    [Fact]
    public void TryGet_AnotherTenantWithTheSameKeyAndGeneration_Misses()
    {
        // Arrange: tenant A's answer under a key tenant B computes too (same query text).
        var near = new NearCache(_time);
        near.Put("tenant-a", 0, "k", Entry("tenant-a"), Share);

        // Act
        var found = near.TryGet("tenant-b", 0, "k", out _);

        // Assert
        Assert.False(found);
    }

    [Fact]
    public void Put_EntryRecordedForAnotherTenant_NotKept()
    {
        // Arrange: what a key-building bug upstream of the near-cache would hand it.
        var near = new NearCache(_time);

        // Act
        near.Put("tenant-b", 0, "k", Entry("tenant-a"), Share);

        // Assert
        Assert.False(near.TryGet("tenant-b", 0, "k", out _));
        Assert.Equal(0, near.BytesOf("tenant-b"));
    }

    [Fact]
    public void TryGet_NewerGeneration_MissesAndTheOldGenerationIsDropped()
    {
        // Arrange
        var near = new NearCache(_time);
        near.Put("tenant-a", 1, "k", Entry("tenant-a"), Share);
        near.Put("tenant-a", 1, "other", Entry("tenant-a"), Share);

        // Act: another node invalidated the tenant; this node learned generation 2 and keeps an entry of it.
        var oldKeyInNewGeneration = near.TryGet("tenant-a", 2, "k", out _);
        near.Put("tenant-a", 2, "kn", Entry("tenant-a"), Share);

        // Assert
        Assert.False(oldKeyInNewGeneration);
        Assert.False(near.TryGet("tenant-a", 1, "k", out _));
        Assert.False(near.TryGet("tenant-a", 2, "other", out _));
        Assert.True(near.TryGet("tenant-a", 2, "kn", out _));
        Assert.Equal(SizeOfOne(), near.BytesOf("tenant-a"));
    }

    [Fact]
    public void Put_OlderGenerationThanThePartitions_NotKept()
    {
        // Arrange
        var near = new NearCache(_time);
        near.Put("tenant-a", 5, "k", Entry("tenant-a"), Share);

        // Act: a slow read of generation 4 finishes after generation 5 was seen.
        near.Put("tenant-a", 4, "late", Entry("tenant-a"), Share);

        // Assert
        Assert.False(near.TryGet("tenant-a", 4, "late", out _));
        Assert.True(near.TryGet("tenant-a", 5, "k", out _));
    }

    [Fact]
    public void TryGet_PastTheSharedStoresExpiry_Misses()
    {
        // Arrange: the entry expires in Redis in 60 s.
        var near = new NearCache(_time);
        near.Put("tenant-a", 0, "k", Entry("tenant-a", TimeSpan.FromSeconds(60)), Share);

        // Act
        _time.Advance(TimeSpan.FromSeconds(59));
        var before = near.TryGet("tenant-a", 0, "k", out _);
        _time.Advance(TimeSpan.FromSeconds(1));
        var after = near.TryGet("tenant-a", 0, "k", out _);

        // Assert
        Assert.True(before);
        Assert.False(after);
        Assert.Equal(0, near.BytesOf("tenant-a"));
    }

    [Fact]
    public void Put_EntryWithoutKnownExpiry_NotKept()
    {
        // Arrange: read from an envelope of the release before (no expiry recorded).
        var near = new NearCache(_time);

        // Act
        near.Put("tenant-a", 0, "k", Entry("tenant-a") with { ExpiresAt = null }, Share);

        // Assert
        Assert.False(near.TryGet("tenant-a", 0, "k", out _));
    }

    [Fact]
    public void Put_OverTheShare_EvictsAnEntryNotReadSinceTheHandPassed()
    {
        // Arrange: room for three entries; a was read again, b and c were not.
        var near = new NearCache(_time);
        var share = 3 * SizeOfOne();
        near.Put("tenant-a", 0, "k1", Entry("tenant-a"), share);
        near.Put("tenant-a", 0, "k2", Entry("tenant-a"), share);
        near.Put("tenant-a", 0, "k3", Entry("tenant-a"), share);
        Assert.True(near.TryGet("tenant-a", 0, "k1", out _));

        // Act
        near.Put("tenant-a", 0, "k4", Entry("tenant-a"), share);

        // Assert: k1 had its second chance; k2, the oldest unread, went.
        Assert.True(near.TryGet("tenant-a", 0, "k1", out _));
        Assert.False(near.TryGet("tenant-a", 0, "k2", out _));
        Assert.True(near.TryGet("tenant-a", 0, "k3", out _));
        Assert.True(near.TryGet("tenant-a", 0, "k4", out _));
        Assert.True(near.BytesOf("tenant-a") <= share);
    }

    [Fact]
    public void Put_OneTenantFillsItsShare_OtherTenantsEntriesStay()
    {
        // Arrange
        var near = new NearCache(_time);
        var share = 3 * SizeOfOne();
        near.Put("tenant-b", 0, "kb", Entry("tenant-b"), share);

        // Act: tenant A stores far more than its share.
        for (var i = 0; i < 100; i++)
        {
            near.Put("tenant-a", 0, $"{i:00}", Entry("tenant-a"), share);
        }

        // Assert
        Assert.True(near.TryGet("tenant-b", 0, "kb", out _));
        Assert.True(near.BytesOf("tenant-a") <= share);
    }

    [Fact]
    public void Put_LargerThanTheWholeShare_NotKept()
    {
        // Arrange
        var near = new NearCache(_time);

        // Act
        near.Put("tenant-a", 0, "kk", Entry("tenant-a"), SizeOfOne() - 1);

        // Assert
        Assert.Equal(0, near.BytesOf("tenant-a"));
    }

    [Fact]
    public void Retain_TenantWithoutShare_DroppedOthersShrunk()
    {
        // Arrange
        var near = new NearCache(_time);
        near.Put("tenant-a", 0, "k1", Entry("tenant-a"), Share);
        near.Put("tenant-a", 0, "k2", Entry("tenant-a"), Share);
        near.Put("gone", 0, "kg", Entry("gone"), Share);

        // Act: a reload removed "gone" and cut tenant A's share to one entry.
        near.Retain(tenant => tenant == "tenant-a" ? SizeOfOne() : 0);

        // Assert
        Assert.Equal(0, near.BytesOf("gone"));
        Assert.Equal(SizeOfOne(), near.BytesOf("tenant-a"));
    }

    [Fact]
    public void Forget_Tenant_DropsOnlyThatTenant()
    {
        // Arrange
        var near = new NearCache(_time);
        near.Put("tenant-a", 0, "k", Entry("tenant-a"), Share);
        near.Put("tenant-b", 0, "k", Entry("tenant-b"), Share);

        // Act
        near.Forget("tenant-a");

        // Assert
        Assert.False(near.TryGet("tenant-a", 0, "k", out _));
        Assert.True(near.TryGet("tenant-b", 0, "k", out _));
    }

    private CacheEntry Entry(string tenant, TimeSpan? ttl = null)
    {
        var now = _time.GetUtcNow();
        return new CacheEntry(tenant, 200, now, [new("Content-Type", "application/json")], Encoding.UTF8.GetBytes(new string('x', 100)), now + (ttl ?? TimeSpan.FromHours(1)));
    }

    // The size of one test entry under a two-character key (tenant ids of the tests have the same length).
    private long SizeOfOne()
    {
        var near = new NearCache(_time);
        near.Put("tenant-a", 0, "kk", Entry("tenant-a"), Share);
        return near.BytesOf("tenant-a");
    }
}
