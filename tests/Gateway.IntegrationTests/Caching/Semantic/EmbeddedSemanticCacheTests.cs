namespace Gateway.IntegrationTests.Caching.Semantic;

/// <summary>The semantic cache on the embedded store (single node, no Redis), with the real model.</summary>
public sealed class EmbeddedSemanticCacheTests
{
    [Fact]
    public async Task Paraphrase_EmbeddedStore_SemanticHitRecordChargedAndGoneAfterInvalidation()
    {
        // Arrange
        await using var cache = await SemanticCacheGateway.StartAsync(redis: null);
        var tenant = cache.TenantA;
        var stored = await cache.AskAsync(tenant, "How do I book a meeting room?");
        var usage = await Poll.UntilAsync(() => cache.CacheMetricsAsync(tenant), m => m.GetProperty("key_count").GetInt64() == 1, TimeSpan.FromSeconds(5));

        // Act
        var paraphrase = await cache.AskAsync(tenant, "how to book a meeting room");
        await cache.InvalidateTenantAsync(tenant);
        var afterInvalidation = await cache.AskAsync(tenant, "booking a meeting room");

        // Assert: the entry's bytes include its record (779 bytes of vector and header plus the text).
        Assert.Equal("MISS", stored.Cache);
        Assert.True(paraphrase.IsSemanticHit, paraphrase.ToString());
        Assert.Equal(stored.Body, paraphrase.Body);
        Assert.True(usage.GetProperty("size_bytes").GetInt64() > 779 + stored.Body.Length, usage.ToString());
        Assert.Equal("MISS", afterInvalidation.Cache);
    }
}
