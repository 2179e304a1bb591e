using LoadDriver.Scenarios;

namespace Gateway.IntegrationTests.LoadTests;

/// <summary>The driver draws the same Zipf ranks as the k6 scripts (<c>loadtests/k6/lib/zipf.js</c>) for the same seed.</summary>
public sealed class ZipfSamplerTests
{
    [Fact]
    public void For_SameSeedAsK6_DrawsTheSameRanks()
    {
        // Arrange: expected values printed by node from zipf.js:
        // samplerFor({ n: 200, exponent: 1.1, tenant: 't03', vuId: 1, salt: 'cache' }), twenty draws.
        int[] expected = [3, 12, 8, 1, 128, 1, 1, 7, 37, 3, 84, 1, 2, 2, 132, 1, 25, 50, 1, 5];
        var sampler = ZipfSampler.For(200, 1.1, "t03", 1, "cache");

        // Act
        var drawn = Enumerable.Range(0, expected.Length).Select(_ => sampler.Next()).ToArray();

        // Assert
        Assert.Equal(3541188979u, ZipfSampler.HashString("cache|t03|1"));
        Assert.Equal(expected, drawn);
    }
}
