using Gateway.Transforms.Infrastructure.Context;

namespace Gateway.Tests.Infrastructure.Context;

public sealed class LabelsTests
{
    [Theory]
    [InlineData(CacheResult.Hit, "hit", "HIT")]
    [InlineData(CacheResult.SemanticHit, "semantic_hit", "HIT")]
    [InlineData(CacheResult.Miss, "miss", "MISS")]
    [InlineData(CacheResult.Bypass, "bypass", "BYPASS")]
    [InlineData(CacheResult.None, "none", null)]
    public void LabelAndHeaderValue_EachCacheResult_MetricLabelAndXCache(CacheResult result, string label, string? header)
    {
        // Act / Assert: a semantic hit is a hit to the client and its own label to operators.
        Assert.Equal(label, result.Label());
        Assert.Equal(header, result.HeaderValue());
    }
}
