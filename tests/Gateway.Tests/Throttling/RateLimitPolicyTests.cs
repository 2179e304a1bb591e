using Gateway.Config.Tiers;
using Gateway.Transforms.Throttling;

namespace Gateway.Tests.Throttling;

public sealed class RateLimitPolicyTests
{
    private static readonly Tier Gold = new("gold", TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(30), 500, 50, 1, 2);

    [Fact]
    public void For_NoAutoThrottle_UsesTierRateAndBurst()
    {
        // Act
        var policy = RateLimitPolicy.For(Gold, 1);

        // Assert
        Assert.Equal(500, policy.Rate);
        Assert.Equal(50, policy.Burst);
    }

    [Fact]
    public void For_AutoThrottleFactor_ScalesRateAndBurst()
    {
        // Act
        var policy = RateLimitPolicy.For(Gold, 0.5);

        // Assert
        Assert.Equal(250, policy.Rate);
        Assert.Equal(25, policy.Burst);
    }

    [Fact]
    public void For_TinyBurstScaledDown_KeepsOneToken()
    {
        // Arrange
        var tiny = Gold with { MaxQps = 3, Burst = 1 };

        // Act
        var policy = RateLimitPolicy.For(tiny, 0.25);

        // Assert
        Assert.Equal(0.75, policy.Rate);
        Assert.Equal(1, policy.Burst);
    }

    [Fact]
    public void PerNode_TwoNodes_HalvesRateAndBurst()
    {
        // Act
        var perNode = new RateLimitPolicy(50, 5).PerNode(2);

        // Assert
        Assert.Equal(new RateLimitPolicy(25, 2), perNode);
    }

    [Fact]
    public void PerNode_OneNode_Unchanged()
    {
        // Arrange
        var policy = new RateLimitPolicy(50, 5);

        // Act / Assert
        Assert.Equal(policy, policy.PerNode(1));
    }
}
