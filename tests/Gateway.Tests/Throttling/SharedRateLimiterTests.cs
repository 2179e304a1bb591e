using Gateway.Transforms.Throttling;
using StackExchange.Redis;

namespace Gateway.Tests.Throttling;

public sealed class SharedRateLimiterTests
{
    [Fact]
    public void TryParse_RefusalReply_MapsEveryField()
    {
        // Arrange: {allowed, remaining, retry_after_ms, reset_after_ms} as the script returns it.
        var reply = RedisResult.Create([(RedisValue)0, (RedisValue)0, (RedisValue)20, (RedisValue)100]);
        var policy = new RateLimitPolicy(50, 5);

        // Act
        var parsed = SharedRateLimiter.TryParse(reply, policy, out var decision);

        // Assert
        Assert.True(parsed);
        Assert.Equal(new RateLimitDecision(false, policy, 0, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), RateLimitSource.Shared), decision);
    }

    [Fact]
    public void TryParse_UnexpectedShape_ReturnsFalse()
    {
        // Arrange
        var reply = RedisResult.Create((RedisValue)"OK");

        // Act / Assert
        Assert.False(SharedRateLimiter.TryParse(reply, new RateLimitPolicy(1, 1), out _));
    }
}
