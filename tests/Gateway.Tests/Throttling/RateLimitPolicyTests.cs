using Gateway.Config.Tiers;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Gateway.Transforms.Throttling;

namespace Gateway.Tests.Throttling;

public sealed class RateLimitPolicyTests
{
    private static readonly Tier Gold = new("gold", TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(30), 500, 50, 1, 2);

    [Fact]
    public void From_EffectiveLimit_AdmitsAtItsRateAndBurst()
    {
        // Act
        var policy = RateLimitPolicy.From(EffectiveLimit.Of(Gold, 0.5, autoThrottled: true));

        // Assert
        Assert.Equal(new RateLimitPolicy(250, 25), policy);
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
