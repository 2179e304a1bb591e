using System.Text;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Caching.Serialization;

namespace Gateway.Tests.Caching;

public sealed class CacheCoalescerTests
{
    [Fact]
    public async Task Join_SameKeyWhileInFlight_OneLeaderFollowersGetLeadersEntry()
    {
        // Arrange
        var coalescer = new CacheCoalescer();
        var leader = coalescer.Join("tenant-a", 0, "k", out var firstLeads);
        var follower = coalescer.Join("tenant-a", 0, "k", out var secondLeads);
        var waiting = follower.WaitAsync(CancellationToken.None);
        var entry = new CacheEntry("tenant-a", 200, DateTimeOffset.UnixEpoch, [], Encoding.UTF8.GetBytes("x"));

        // Act
        leader.Complete(entry);

        // Assert
        Assert.True(firstLeads);
        Assert.False(secondLeads);
        Assert.Same(leader, follower);
        Assert.Same(entry, await waiting);
    }

    [Fact]
    public async Task Join_AfterLeaderCompletedButBeforeRelease_LateRequestGetsTheEntryAtOnce()
    {
        // Arrange: the leader has its answer but is still writing it to the store.
        var coalescer = new CacheCoalescer();
        var leader = coalescer.Join("tenant-a", 0, "k", out _);
        var entry = new CacheEntry("tenant-a", 200, DateTimeOffset.UnixEpoch, [], Encoding.UTF8.GetBytes("x"));
        leader.Complete(entry);

        // Act
        var late = coalescer.Join("tenant-a", 0, "k", out var lateLeads);
        var lateEntry = await late.WaitAsync(CancellationToken.None);
        leader.Release();
        coalescer.Join("tenant-a", 0, "k", out var afterReleaseLeads);

        // Assert
        Assert.False(lateLeads);
        Assert.Same(entry, lateEntry);
        Assert.True(afterReleaseLeads);
    }

    [Theory]
    [InlineData("tenant-b", 0, "k")]
    [InlineData("tenant-a", 1, "k")]
    [InlineData("tenant-a", 0, "other")]
    public void Join_DifferentTenantGenerationOrKey_LeadsItsOwnFlight(string tenant, long generation, string key)
    {
        // Arrange
        var coalescer = new CacheCoalescer();
        coalescer.Join("tenant-a", 0, "k", out _);

        // Act
        coalescer.Join(tenant, generation, key, out var leads);

        // Assert
        Assert.True(leads);
        Assert.Equal(2, coalescer.InFlight);
    }

    [Fact]
    public async Task Complete_NotCacheable_FollowersGetNullAndNextRequestLeads()
    {
        // Arrange
        var coalescer = new CacheCoalescer();
        var leader = coalescer.Join("tenant-a", 0, "k", out _);
        var waiting = coalescer.Join("tenant-a", 0, "k", out _).WaitAsync(CancellationToken.None);

        // Act
        leader.Complete(null);
        coalescer.Join("tenant-a", 0, "k", out var nextLeads);

        // Assert
        Assert.Null(await waiting);
        Assert.True(nextLeads);
    }

    [Fact]
    public async Task WaitAsync_FollowerDeadlinePasses_CancelledWithoutAffectingLeader()
    {
        // Arrange
        var coalescer = new CacheCoalescer();
        var leader = coalescer.Join("tenant-a", 0, "k", out _);
        using var deadline = new CancellationTokenSource();
        var waiting = coalescer.Join("tenant-a", 0, "k", out _).WaitAsync(deadline.Token);

        // Act
        await deadline.CancelAsync();

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, coalescer.InFlight);
        leader.Complete(null);
        Assert.Equal(0, coalescer.InFlight);
    }
}
