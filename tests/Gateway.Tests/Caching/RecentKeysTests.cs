using System.Security.Cryptography;
using System.Text;
using Gateway.Transforms.Caching;

namespace Gateway.Tests.Caching;

public sealed class RecentKeysTests
{
    [Fact]
    public void HexOf_SameDigestTwice_SameStringInstance()
    {
        // Arrange
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes("recent-keys-same"));

        // Act
        var first = RecentKeys.HexOf(digest);
        var second = RecentKeys.HexOf(digest);

        // Assert
        Assert.Equal(Convert.ToHexStringLower(digest), first);
        Assert.Same(first, second);
    }

    [Fact]
    public void HexOf_DigestsSharingTheirSlot_EachGetsItsOwnHex()
    {
        // Arrange: the same low bits (the table's slot), different digests.
        var a = new byte[32];
        var b = new byte[32];
        b[31] = 1;

        // Act
        var hexA = RecentKeys.HexOf(a);
        var hexB = RecentKeys.HexOf(b);
        var hexAAgain = RecentKeys.HexOf(a);

        // Assert
        Assert.Equal(Convert.ToHexStringLower(a), hexA);
        Assert.Equal(Convert.ToHexStringLower(b), hexB);
        Assert.Equal(Convert.ToHexStringLower(a), hexAAgain);
    }
}
