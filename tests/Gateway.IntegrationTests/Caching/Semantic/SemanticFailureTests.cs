using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Caching.Semantic;

/// <summary>
/// With the embedding service failing or slow, every request still succeeds within its tier deadline: the semantic
/// step is skipped at its budget, then not tried at all while the circuit is open, and the exact-key cache goes on.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SemanticFailureTests(RedisServerFixture redis)
{
    [Fact]
    public async Task ProviderFailing_RequestsSucceedAndCircuitStopsCallingIt()
    {
        // Arrange: the service answers 500; the tenant has a 300 ms tier.
        using var embeddings = WireMockUpstream.Start();
        embeddings.Given(Request.Create().WithPath("/v1/embeddings").UsingPost()).RespondWith(Response.Create().WithStatusCode(500).WithBody("down"));
        await using var cache = await StartAsync(embeddings);

        // Act
        var answers = await AskAllAsync(cache);
        var repeat = await cache.AskAsync(cache.TenantStrict, Intents.All[0][0]);

        // Assert
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers, a => Assert.Null(a.Match));
        Assert.Equal("HIT", repeat.Cache);
        Assert.InRange(embeddings.LogEntries.Count, 5, 6);
    }

    [Fact]
    public async Task ProviderSlowerThanBudget_RequestsSucceedWithinTheTierDeadline()
    {
        // Arrange: the service takes 2 s, the budget is 50 ms, the tier 300 ms.
        using var embeddings = WireMockUpstream.Start();
        embeddings.Given(Request.Create().WithPath("/v1/embeddings").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2)).WithBody("""{"data":[{"embedding":[1,0]}]}"""));
        await using var cache = await StartAsync(embeddings);
        using var overruns = new MeasurementCounter(cache.Gateway, "gateway.cache.semantic.embedding.duration", new("result", "budget_exceeded"));
        using var skipped = new MeasurementCounter(cache.Gateway, "gateway.cache.semantic.embedding.duration", new("result", "circuit_open"));

        // Act
        var answers = await AskAllAsync(cache);

        // Assert: a request that waited past its deadline would be a 504; the warm-up request was the first overrun.
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers, a => Assert.Equal("MISS", a.Cache));
        Assert.InRange(overruns.Count, 4, 5);
        Assert.Equal(answers.Count - overruns.Count, skipped.Count);
    }

    private async Task<CacheGateway> StartAsync(WireMockServer embeddings)
    {
        await redis.StartAsync();
        var cache = await SemanticCacheGateway.StartAsync(
            redis.ConnectionString,
            configure: config => config
                .With("Gateway:Embeddings:Endpoint", embeddings.Url)
                .With("Gateway:Embeddings:Dimensions", 2)
                .With("Gateway:Embeddings:BudgetMs", 50),
            realModel: false);

        // First-request costs (JIT, connections) belong to no tier budget: pay them with a tenant of 5 s.
        await cache.AskAsync(cache.TenantA, "warm up the gateway");
        return cache;
    }

    /// <summary>Twenty questions and paraphrases of the strict tenant, one after another.</summary>
    private static async Task<List<SemanticAnswer>> AskAllAsync(CacheGateway cache)
    {
        var answers = new List<SemanticAnswer>();
        foreach (var intent in Intents.All.Take(5))
        {
            foreach (var phrasing in intent)
            {
                answers.Add(await cache.AskAsync(cache.TenantStrict, phrasing));
            }
        }

        return answers;
    }
}
