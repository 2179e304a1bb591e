using System.Net;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Caching.Semantic;

/// <summary>
/// The semantic cache through the real gateway on a real Redis with the real embedded model: a paraphrase is served
/// from the stored answer, a question that differs in a detail is not, and only the text at the pointer may differ.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed partial class SemanticCacheTests(RedisServerFixture redis) : IAsyncLifetime
{
    private CacheGateway? _cache;

    private CacheGateway Cache => _cache ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await redis.StartAsync();
        _cache = await SemanticCacheGateway.StartAsync(redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_cache is not null)
        {
            await _cache.DisposeAsync();
        }
    }

    [Fact]
    public async Task Paraphrase_AfterQuestionStored_SemanticHitWithTheStoredAnswer()
    {
        // Arrange
        var tenant = Cache.TenantA;
        var first = await Cache.AskAsync(tenant, "What is our refund policy?");
        await WaitUntilStoredAsync(tenant, 1);

        // Act
        var paraphrase = await Cache.AskAsync(tenant, "what's the refund policy");
        var metrics = await Poll.UntilAsync(() => Cache.CacheMetricsAsync(tenant), m => m.GetProperty("hits").GetInt64() == 1, TimeSpan.FromSeconds(2));

        // Assert
        Assert.Equal(("MISS", HttpStatusCode.OK), (first.Cache, first.Status));
        Assert.Equal("HIT", paraphrase.Cache);
        Assert.Matches(MatchHeader(), paraphrase.Match);
        Assert.Equal(first.Body, paraphrase.Body);
        Assert.Equal("What is our refund policy?", paraphrase.Query);
        Assert.Equal(1, Cache.SemanticUpstreamCalls());
        Assert.Equal((1L, 1L), (metrics.GetProperty("hits").GetInt64(), metrics.GetProperty("misses").GetInt64()));
    }

    [Theory]
    [InlineData("What is the refund policy in the EU?", "What is the refund policy in the US?")]
    [InlineData("What was our Q3 revenue?", "What was our Q4 revenue?")]
    [InlineData("How do I enable debug logging?", "How do I disable debug logging?")]
    public async Task HardNegative_DetailDiffers_MissAndOwnAnswerFromUpstream(string stored, string asked)
    {
        // Arrange
        var tenant = Cache.TenantA;
        await Cache.AskAsync(tenant, stored);
        await WaitUntilStoredAsync(tenant, 1);

        // Act
        var answer = await Cache.AskAsync(tenant, asked);

        // Assert
        Assert.Equal("MISS", answer.Cache);
        Assert.Null(answer.Match);
        Assert.Equal(asked, answer.Query);
        Assert.Equal(2, Cache.SemanticUpstreamCalls());
    }

    [Fact]
    public async Task Paraphrase_OtherBodyFieldDiffers_NoSemanticMatch()
    {
        // Arrange: only the text at /query may differ; the collection is part of the context.
        var tenant = Cache.TenantA;
        await Cache.AskAsync(tenant, "What is our refund policy?", ",\"collection\":\"hr\"");
        await WaitUntilStoredAsync(tenant, 1);

        // Act
        var otherCollection = await Cache.AskAsync(tenant, "what's the refund policy", ",\"collection\":\"legal\"");
        var sameCollection = await Cache.AskAsync(tenant, "refund policy please", ",\"collection\":\"hr\"");

        // Assert
        Assert.Equal("MISS", otherCollection.Cache);
        Assert.Equal("HIT", sameCollection.Cache);
        Assert.NotNull(sameCollection.Match);
    }

    [Fact]
    public async Task Paraphrase_OtherTenantStoredTheQuestion_MissAndOwnAnswer()
    {
        // Arrange
        await Cache.AskAsync(Cache.TenantB, "What is our refund policy?");
        await WaitUntilStoredAsync(Cache.TenantB, 1);

        // Act
        var answer = await Cache.AskAsync(Cache.TenantA, "what's the refund policy");

        // Assert
        Assert.Equal("MISS", answer.Cache);
        Assert.Equal(Cache.TenantA, answer.Tenant);
    }

    [Fact]
    public async Task Paraphrase_AskedAgain_ServedWithoutEmbeddingAgain()
    {
        // Arrange
        var tenant = Cache.TenantA;
        await Cache.AskAsync(tenant, "How do I reset my password?");
        await WaitUntilStoredAsync(tenant, 1);
        using var embeddings = new MeasurementCounter(Cache.Gateway, "gateway.cache.semantic.embedding.duration");
        var first = await Cache.AskAsync(tenant, "how can I reset my password");
        var afterFirst = embeddings.Count;

        // Act
        var again = await Cache.AskAsync(tenant, "how can I reset my password");

        // Assert
        Assert.True(first.IsSemanticHit, first.ToString());
        Assert.True(again.IsSemanticHit, again.ToString());
        Assert.Equal(first.Match, again.Match);
        Assert.Equal(1, afterFirst);
        Assert.Equal(1, embeddings.Count);
    }

    private async Task WaitUntilStoredAsync(string tenant, long entries)
    {
        var stored = await Poll.UntilAsync(
            async () => (await Cache.CacheMetricsAsync(tenant)).GetProperty("key_count").GetInt64(),
            count => count >= entries,
            TimeSpan.FromSeconds(5));
        Assert.True(stored >= entries, $"{stored} of {entries} entries stored");
    }

    [GeneratedRegex(@"^semantic; similarity=0\.\d\d$")]
    private static partial Regex MatchHeader();
}
