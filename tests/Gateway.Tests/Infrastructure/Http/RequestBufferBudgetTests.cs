using Gateway.Config.Options;
using Gateway.Transforms.Infrastructure.Http;

namespace Gateway.Tests.Infrastructure.Http;

public sealed class RequestBufferBudgetTests
{
    private static readonly LimitsOptions Limits = new() { MaxBufferedBytes = 1000, TenantBufferedShare = 0.25 };

    [Fact]
    public void TryReserve_PastTenantShare_RefusedAndNothingReserved()
    {
        // Arrange
        var budget = new RequestBufferBudget();
        budget.TryReserve("a", 200, Limits);

        // Act
        var refused = budget.TryReserve("a", 51, Limits);
        var atShare = budget.TryReserve("a", 50, Limits);

        // Assert: a quarter of 1000 is 250.
        Assert.False(refused);
        Assert.True(atShare);
        Assert.Equal(250, budget.BytesOf("a"));
        Assert.Equal(250, budget.TotalBytes);
    }

    [Fact]
    public void TryReserve_OneTenantAtItsShare_OthersStillGetTheirs()
    {
        // Arrange: tenant a holds its whole share.
        var budget = new RequestBufferBudget();
        budget.TryReserve("a", 250, Limits);

        // Act
        var others = new[] { "b", "c", "d" }.Select(t => budget.TryReserve(t, 250, Limits)).ToList();

        // Assert
        Assert.All(others, Assert.True);
        Assert.Equal(1000, budget.TotalBytes);
    }

    [Fact]
    public void TryReserve_PastNodeCap_RefusedEvenWithinTenantShare()
    {
        // Arrange: four tenants fill the node.
        var budget = new RequestBufferBudget();
        foreach (var tenant in new[] { "a", "b", "c", "d" })
        {
            budget.TryReserve(tenant, 250, Limits);
        }

        // Act
        var fifth = budget.TryReserve("e", 1, Limits);

        // Assert
        Assert.False(fifth);
        Assert.Equal(0, budget.BytesOf("e"));
    }

    [Fact]
    public void Release_ReservedBytes_FreeForOthersAgain()
    {
        // Arrange
        var budget = new RequestBufferBudget();
        budget.TryReserve("a", 250, Limits);

        // Act
        budget.Release("a", 250);

        // Assert
        Assert.Equal(0, budget.TotalBytes);
        Assert.True(budget.TryReserve("a", 250, Limits));
    }
}
