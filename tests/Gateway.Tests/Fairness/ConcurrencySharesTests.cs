using Gateway.Transforms.Fairness;

namespace Gateway.Tests.Fairness;

public sealed class ConcurrencySharesTests
{
    [Theory]
    [InlineData(8, 1, 1, 8)]     // alone: every slot
    [InlineData(8, 1, 5, 1)]     // five equal tenants: ⌊8/5⌋
    [InlineData(8, 4, 7, 4)]     // platinum among platinum, gold, silver: ⌊8·4/7⌋
    [InlineData(8, 1, 7, 1)]     // silver there: ⌊8/7⌋
    [InlineData(64, 2, 7, 18)]   // gold: ⌊64·2/7⌋
    [InlineData(4, 1, 20, 1)]    // more tenants than slots: still one each
    public void Of_WeightAmongActiveWeight_FlooredAtLeastOne(int capacity, int weight, long activeWeight, int expected)
    {
        // Act
        var share = ConcurrencyShares.Of(capacity, weight, activeWeight);

        // Assert
        Assert.Equal(expected, share);
    }

    [Fact]
    public void Of_ActiveWeightBelowOwnWeight_Throws()
    {
        // Act / Assert: the tenant asking is active itself.
        Assert.Throws<ArgumentOutOfRangeException>(() => ConcurrencyShares.Of(8, 4, 3));
    }

    [Theory]
    [InlineData(0, 2, null, 1, 5, "Share")]    // within its share, even when others' shares are unused
    [InlineData(2, 2, null, 3, 2, "Borrow")]   // at its share; more free than the others hold free
    [InlineData(2, 2, null, 2, 2, "None")]     // at its share; every free slot is someone's share
    [InlineData(1, 2, 1, 4, 0, "None")]        // the tier's MaxConcurrency caps it
    [InlineData(0, 2, null, 0, 0, "None")]     // nothing free
    public void Claim_InFlightShareCapFreeReserved_Expected(int inFlight, int share, int? hardCap, int free, int reserved, string expected)
    {
        // Act
        var claim = ConcurrencyShares.Claim(inFlight, share, hardCap, free, reserved);

        // Assert
        Assert.Equal(expected, claim.ToString());
    }
}
