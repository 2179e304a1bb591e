using Gateway.Transforms.Caching.Semantic.Guard;
using Gateway.Transforms.Caching.Semantic.Index;
using Gateway.Transforms.Caching.Semantic.Matching;

namespace Gateway.Tests.Caching.Semantic.Matching;

public sealed class SemanticMatcherTests
{
    private const ulong Context = 9;

    [Fact]
    public void Find_NearestRefusedByGuard_ServesNextAllowedCandidate()
    {
        using var index = new TenantVectorIndex(TestVectors.Dimensions, 100, 10_000_000);
        var query = TestVectors.Unit(1);
        index.Add("t", new SemanticEntry("eu", Context, 1, DetailExtractor.Extract("refund policy in the EU"), TestVectors.Near(query, 0.1f, 2)));
        index.Add("t", new SemanticEntry("us", Context, 1, DetailExtractor.Extract("refund policy in the US"), TestVectors.Near(query, 0.4f, 3)));

        var lookup = SemanticMatcher.Find(index, "t", Context, 1, query, DetailExtractor.Extract("What's the US refund policy?"), 0.7f);

        Assert.Equal("us", lookup.Match?.EntryKey);
        Assert.Equal(2, lookup.Candidates);
        Assert.Equal(1, lookup.GuardRefusals);
    }

    [Fact]
    public void Find_AllCandidatesRefused_Misses()
    {
        using var index = new TenantVectorIndex(TestVectors.Dimensions, 100, 10_000_000);
        var query = TestVectors.Unit(1);
        index.Add("t", new SemanticEntry("q3", Context, 1, DetailExtractor.Extract("Q3 revenue"), query));

        var lookup = SemanticMatcher.Find(index, "t", Context, 1, query, DetailExtractor.Extract("Q4 revenue"), 0.7f);

        Assert.Null(lookup.Match);
        Assert.Equal(1, lookup.Candidates);
        Assert.Equal(1, lookup.GuardRefusals);
        Assert.Equal(1f, lookup.BestSimilarity, 4);
    }

    [Fact]
    public void Find_BelowThreshold_Misses()
    {
        using var index = new TenantVectorIndex(TestVectors.Dimensions, 100, 10_000_000);
        var query = TestVectors.Unit(1);
        index.Add("t", new SemanticEntry("k", Context, 1, QueryDetails.Empty, TestVectors.Unit(2)));

        var lookup = SemanticMatcher.Find(index, "t", Context, 1, query, QueryDetails.Empty, 0.7f);

        Assert.Null(lookup.Match);
        Assert.Equal(0, lookup.Candidates);
        Assert.InRange(lookup.BestSimilarity, -1f, 0.7f);
    }

    [Fact]
    public void Find_RememberedAnswer_RecalledForTheSameGenerationOnly()
    {
        // Arrange
        using var index = new TenantVectorIndex(TestVectors.Dimensions, 100, 10_000_000);
        index.Add("t", new SemanticEntry("stored", Context, 1, QueryDetails.Empty, TestVectors.Unit(1)));
        index.Remember("t", 1, "paraphrase", new SemanticMatch("stored", 0.93f));

        // Act
        var same = index.TryRecall("t", 1, "paraphrase", out var recalled);
        var otherTenant = index.TryRecall("u", 1, "paraphrase", out _);
        index.AdvanceGeneration("t", 2);
        var afterInvalidation = index.TryRecall("t", 2, "paraphrase", out _);

        // Assert
        Assert.True(same);
        Assert.Equal(new SemanticMatch("stored", 0.93f), recalled);
        Assert.False(otherTenant);
        Assert.False(afterInvalidation);
    }

    [Fact]
    public void HeaderValue_FormatsSimilarityInvariantly() =>
        Assert.Equal("semantic; similarity=0.97", new SemanticMatch("k", 0.9712f).HeaderValue);

    [Fact]
    public void FromKeyHash_TakesFirst64Bits() =>
        Assert.Equal(0x0123456789abcdefUL, SemanticContext.FromKeyHash("0123456789abcdef" + new string('0', 48)));
}
