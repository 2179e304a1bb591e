using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Caching.Semantic;

/// <summary>
/// Acceptance of the semantic cache's isolation on a real Redis with the real model: two tenants asking the same and
/// paraphrased questions never get each other's answers, invalidating one tenant removes its semantic matches at
/// once and leaves the other's, and a second node finds the vectors the first stored.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SemanticIsolationTests(RedisServerFixture redis, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoTenants_TenThousandSameAndParaphrasedQuestions_ZeroCrossTenantAnswers()
    {
        // Arrange: both tenants send the same texts, so every stored vector of one tenant is an exact match for the
        // other's question; requests interleave at random, 16 at a time.
        await redis.StartAsync();
        await using var cache = await SemanticCacheGateway.StartAsync(redis.ConnectionString);
        string[] tenants = [cache.TenantA, cache.TenantB];
        var random = new Random(15);
        var work = Enumerable.Range(0, 10_000)
            .Select(_ => (Tenant: tenants[random.Next(2)], Intent: random.Next(Intents.All.Length), Phrasing: random.Next(4)))
            .ToList();
        var crossTenant = new ConcurrentBag<string>();
        var wrongIntent = new ConcurrentBag<string>();
        var failed = new ConcurrentBag<string>();
        var semanticHits = new ConcurrentDictionary<string, int>();
        int exactHits = 0, misses = 0;
        using var client = cache.Gateway.CreateClient();
        var clock = Stopwatch.StartNew();

        // Act
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, _) =>
        {
            var question = Intents.All[item.Intent][item.Phrasing];
            var answer = await cache.AskAsync(item.Tenant, question, client: client);
            if (answer.Status != HttpStatusCode.OK)
            {
                failed.Add($"{item.Tenant} '{question}': {(int)answer.Status} {answer.Body}");
                return;
            }

            if (answer.Tenant != item.Tenant)
            {
                crossTenant.Add($"{item.Tenant} '{question}' got {answer.Body} ({answer.Cache}, {answer.Match})");
            }

            if (Intents.Of(answer.Query) != item.Intent)
            {
                wrongIntent.Add($"'{question}' got the answer to '{answer.Query}' ({answer.Match})");
            }

            if (answer.IsSemanticHit)
            {
                semanticHits.AddOrUpdate(item.Tenant, 1, (_, n) => n + 1);
            }
            else if (answer.Cache == "HIT")
            {
                Interlocked.Increment(ref exactHits);
            }
            else
            {
                Interlocked.Increment(ref misses);
            }
        });

        // Assert
        var semanticA = semanticHits.GetValueOrDefault(cache.TenantA);
        var semanticB = semanticHits.GetValueOrDefault(cache.TenantB);
        output.WriteLine($"10,000 requests in {clock.Elapsed.TotalSeconds:0.0} s: {semanticA + semanticB} semantic hits ({semanticA} tenant A, {semanticB} tenant B), {exactHits} exact hits, {misses} misses, {cache.SemanticUpstreamCalls()} upstream calls; cross-tenant answers {crossTenant.Count}, answers of another intent {wrongIntent.Count}");
        Assert.True(failed.IsEmpty, string.Join("\n", failed.Take(5)));
        Assert.True(crossTenant.IsEmpty, string.Join("\n", crossTenant.Take(5)));
        Assert.True(wrongIntent.IsEmpty, string.Join("\n", wrongIntent.Take(5)));
        Assert.True(semanticA > 1_000 && semanticB > 1_000, $"semantic hits: {semanticA} and {semanticB}; the semantic path was hardly exercised");
    }

    [Fact]
    public async Task Invalidate_OneTenant_ItsSemanticMatchesGoAtOnceOtherTenantKeepsItsOwn()
    {
        // Arrange: both tenants store the question and are served the paraphrase from it.
        await redis.StartAsync();
        await using var cache = await SemanticCacheGateway.StartAsync(redis.ConnectionString);
        const string question = "What is our refund policy?", paraphrase = "what's the refund policy";
        await cache.AskAsync(cache.TenantA, question);
        await cache.AskAsync(cache.TenantB, question);
        await WaitUntilStoredAsync(cache, cache.TenantA);
        await WaitUntilStoredAsync(cache, cache.TenantB);
        Assert.True((await cache.AskAsync(cache.TenantA, paraphrase)).IsSemanticHit);
        Assert.True((await cache.AskAsync(cache.TenantB, paraphrase)).IsSemanticHit);

        // Act
        await cache.InvalidateTenantAsync(cache.TenantA);
        var invalidated = await cache.AskAsync(cache.TenantA, paraphrase);
        var other = await cache.AskAsync(cache.TenantB, paraphrase);

        // Assert
        Assert.Equal("MISS", invalidated.Cache);
        Assert.Equal(paraphrase, invalidated.Query);
        Assert.True(other.IsSemanticHit);
        Assert.Equal((cache.TenantB, question), (other.Tenant, other.Query));
    }

    [Fact]
    public async Task TwoNodes_VectorStoredThroughOne_SemanticHitOnTheOtherAndInvalidationReachesIt()
    {
        // Arrange: node 2 has never seen the tenant.
        await redis.StartAsync();
        await using var first = await SemanticCacheGateway.StartAsync(redis.ConnectionString);
        await using var second = await SemanticCacheGateway.StartAsync(redis.ConnectionString, first.Upstream, first.Id);
        await first.AskAsync(first.TenantA, "How do I connect to the VPN?");
        await WaitUntilStoredAsync(first, first.TenantA);

        // Act
        var onSecond = await second.AskAsync(first.TenantA, "how to connect to the VPN");
        var upstreamCalls = first.SemanticUpstreamCalls();
        var clock = Stopwatch.StartNew();
        await first.InvalidateTenantAsync(first.TenantA);
        var afterInvalidation = await Poll.UntilAsync(
            () => second.AskAsync(first.TenantA, "how to connect to the VPN"),
            answer => answer.Cache == "MISS",
            TimeSpan.FromSeconds(3),
            TimeSpan.FromMilliseconds(20));
        var elapsed = clock.Elapsed;

        // Assert
        output.WriteLine($"second node stopped serving the invalidated tenant's semantic match after {elapsed.TotalMilliseconds:0} ms");
        Assert.True(onSecond.IsSemanticHit, onSecond.ToString());
        Assert.Equal("How do I connect to the VPN?", onSecond.Query);
        Assert.Equal(1, upstreamCalls);
        Assert.Equal("MISS", afterInvalidation.Cache);
        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"took {elapsed.TotalMilliseconds:0} ms");
    }

    private static async Task WaitUntilStoredAsync(CacheGateway cache, string tenant)
    {
        var stored = await Poll.UntilAsync(
            async () => (await cache.CacheMetricsAsync(tenant)).GetProperty("key_count").GetInt64(),
            count => count >= 1,
            TimeSpan.FromSeconds(5));
        Assert.True(stored >= 1, $"{tenant}: nothing stored");
    }
}
