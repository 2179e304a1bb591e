using Gateway.Transforms.Throttling;
using StackExchange.Redis;

namespace Gateway.Tests.Throttling;

public sealed class SharedRateLimiterTests
{
    [Fact]
    public void TryParse_RefusalReply_MapsEveryField()
    {
        // Arrange: {granted, remaining, retry_after_us, reset_after_us} as the script returns it.
        var reply = RedisResult.Create([(RedisValue)0, (RedisValue)0, (RedisValue)20_000, (RedisValue)100_000]);
        var policy = new RateLimitPolicy(50, 5);

        // Act
        var parsed = SharedRateLimiter.TryParse(reply, out var grant);

        // Assert
        Assert.True(parsed);
        Assert.Equal(new SharedGrant(0, 0, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100)), grant);
        Assert.Equal(new RateLimitDecision(false, policy, 0, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), RateLimitSource.Shared), grant.Decision(policy));
    }

    [Fact]
    public void Decision_LeaseOfFive_CountsTheLeaseAsStillAvailableToThisNode()
    {
        // Arrange: five granted, 40 left in Redis after them.
        var grant = new SharedGrant(5, 40, TimeSpan.Zero, TimeSpan.FromMilliseconds(90));
        var policy = new RateLimitPolicy(500, 50);

        // Act
        var decision = grant.Decision(policy);

        // Assert: the caller uses one; four more are leased to this node.
        Assert.Equal(new RateLimitDecision(true, policy, 44, TimeSpan.Zero, TimeSpan.FromMilliseconds(90), RateLimitSource.Shared), decision);
    }

    [Fact]
    public void TryParse_UnexpectedShape_ReturnsFalse()
    {
        // Arrange
        var reply = RedisResult.Create((RedisValue)"OK");

        // Act / Assert
        Assert.False(SharedRateLimiter.TryParse(reply, out _));
    }
}
