using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Caching.Semantic;

/// <summary>
/// The semantic cache's series as <c>GET /metrics</c> exports them. Gateways of parallel tests share the process-wide
/// meter listener: per-tenant series are asserted exactly (the tenants are this test's own), the provider-wide
/// embedding histogram only from below.
/// </summary>
public sealed class SemanticMetricsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_StoredQuestionParaphraseAndHardNegative_SemanticSeriesExported()
    {
        // Arrange
        await using var cache = await SemanticCacheGateway.StartAsync(redis: null);
        var tenant = cache.TenantA;

        // Act: the question (miss, stored), a paraphrase (semantic hit), a hard negative (miss, refused by the guard).
        await cache.AskAsync(tenant, "What is our refund policy?");
        await Poll.UntilAsync(() => cache.CacheMetricsAsync(tenant), m => m.GetProperty("key_count").GetInt64() == 1, TimeSpan.FromSeconds(5));
        var paraphrase = await cache.AskAsync(tenant, "what's the refund policy");
        var negative = await cache.AskAsync(tenant, "What is our refund policy in the EU?");
        await Poll.UntilAsync(() => cache.CacheMetricsAsync(tenant), m => m.GetProperty("key_count").GetInt64() == 2, TimeSpan.FromSeconds(5));
        var text = await Poll.UntilAsync(
            () => ScrapeAsync(cache),
            t => PrometheusText.Value(t, "gateway_cache_requests_total", ("tenant", tenant), ("result", "semantic_hit")) >= 1
                && PrometheusText.Value(t, "gateway_cache_semantic_vectors", ("tenant", tenant)) >= 2,
            TimeSpan.FromSeconds(10));

        // Assert
        output.WriteLine(string.Join('\n', text.Split('\n').Where(l => l.Contains("semantic", StringComparison.Ordinal) && !l.Contains("_bucket", StringComparison.Ordinal))));
        Assert.True(paraphrase.IsSemanticHit);
        Assert.Equal("MISS", negative.Cache);
        Assert.Equal(1, PrometheusText.Value(text, "gateway_cache_requests_total", ("tenant", tenant), ("result", "semantic_hit")));
        Assert.Equal(2, PrometheusText.Value(text, "gateway_cache_requests_total", ("tenant", tenant), ("result", "miss")));
        Assert.Equal(1, PrometheusText.Value(text, "gateway_cache_semantic_similarity_count", ("tenant", tenant), ("result", "hit")));
        Assert.Equal(1, PrometheusText.Value(text, "gateway_cache_semantic_similarity_count", ("tenant", tenant), ("result", "refused")));
        Assert.True(PrometheusText.Value(text, "gateway_cache_semantic_embedding_duration_seconds_count", ("provider", "embedded"), ("result", "ok")) >= 3);
        Assert.Equal(2, PrometheusText.Value(text, "gateway_cache_semantic_vectors", ("tenant", tenant)));
        Assert.True(PrometheusText.Value(text, "gateway_cache_semantic_index_size_bytes", ("tenant", tenant)) > 2 * 384 * 4);
    }

    private static async Task<string> ScrapeAsync(CacheGateway cache)
    {
        using var response = await cache.Gateway.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
