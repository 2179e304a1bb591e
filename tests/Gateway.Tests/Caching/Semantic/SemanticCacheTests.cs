using System.Text;
using Gateway.Tests.Caching.Semantic.Embeddings;
using Gateway.Tests.Support;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Caching.Semantic;
using Gateway.Transforms.Caching.Semantic.Embeddings;
using Gateway.Transforms.Caching.Semantic.Index;
using Gateway.Transforms.Caching.Stores.Embedded;
using Gateway.Transforms.Infrastructure.Context;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Caching.Semantic;

public sealed class SemanticCacheTests : IDisposable
{
    private static readonly SemanticRouteSettings Route = new("/query", ["query"], SemanticDefaults.Threshold);
    private readonly FakeTimeProvider _time = new();
    private readonly TestMeters _meters = new();
    private readonly TestGatewaySettings _settings = new();
    private readonly EmbeddedCacheStore _store;
    private readonly TenantVectorIndex _index = new(2, 100, 1 << 20);

    public SemanticCacheTests() => _store = new EmbeddedCacheStore(_time);

    public void Dispose()
    {
        _store.Dispose();
        _index.Dispose();
        _meters.Dispose();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"question":"no text at /query"}""")]
    [InlineData("""{"query":42}""")]
    public async Task LookupAsync_NoTextAtThePointer_NothingAndNothingEmbedded(string body)
    {
        // Arrange
        var generator = FakeEmbeddingGenerator.Returning([0.6f, 0.8f]);
        var semantic = await NewSemanticCacheAsync(generator);

        // Act
        var attempt = await semantic.LookupAsync(Request(TestGatewaySettings.Gold), Route, Parts(body), "key", 0, CancellationToken.None);

        // Assert
        Assert.Equal(SemanticAttempt.None, attempt);
        Assert.Equal(0, generator.Calls);
    }

    [Fact]
    public async Task LookupAsync_DeadlineClose_EmbeddingGetsHalfTheTimeLeftNotTheBudget()
    {
        // Arrange: gold has 500 ms; 460 ms have passed, so the step may take 20 ms, not the 50 ms budget.
        var semantic = await NewSemanticCacheAsync(FakeEmbeddingGenerator.Hanging());
        var request = Request(TestGatewaySettings.Gold);
        _time.Advance(TimeSpan.FromMilliseconds(460));

        // Act
        var lookup = semantic.LookupAsync(request, Route, Parts("""{"query":"refund policy"}"""), "key", 0, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(19));
        await Task.Delay(50);
        var stillWaiting = !lookup.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var attempt = await lookup.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(stillWaiting);
        Assert.Equal(SemanticAttempt.None, attempt);
    }

    [Fact]
    public async Task LookupAsync_Embedded_MissCarriesTheRecordForTheWrite()
    {
        // Arrange
        var semantic = await NewSemanticCacheAsync(FakeEmbeddingGenerator.Returning([0.6f, 0.8f]));

        // Act
        var attempt = await semantic.LookupAsync(Request(TestGatewaySettings.Gold), Route, Parts("""{"query":"refund policy","top_k":3}"""), "key", 7, CancellationToken.None);

        // Assert
        Assert.Null(attempt.Entry);
        var pending = Assert.IsType<SemanticPending>(attempt.Pending);
        Assert.True(SemanticRecord.TryRead(pending.Record, 2, out var context, out _, out var text));
        Assert.Equal("refund policy", text);
        Assert.Equal(("key", 7L, context), (pending.Entry!.EntryKey, pending.Entry.Generation, pending.Entry.ContextHash));
    }

    [Fact]
    public async Task LookupAsync_OtherFieldsDiffer_OtherContext()
    {
        // Arrange
        var semantic = await NewSemanticCacheAsync(FakeEmbeddingGenerator.Returning([0.6f, 0.8f]));
        var request = Request(TestGatewaySettings.Gold);

        // Act
        var hr = await semantic.LookupAsync(request, Route, Parts("""{"query":"refund policy","collection":"hr"}"""), "a", 0, CancellationToken.None);
        var legal = await semantic.LookupAsync(request, Route, Parts("""{"query":"refund policy","collection":"legal"}"""), "b", 0, CancellationToken.None);
        var hrReworded = await semantic.LookupAsync(request, Route, Parts("""{"query":"the refund policy","collection":"hr"}"""), "c", 0, CancellationToken.None);

        // Assert
        Assert.NotEqual(hr.Pending!.Entry!.ContextHash, legal.Pending!.Entry!.ContextHash);
        Assert.Equal(hr.Pending.Entry.ContextHash, hrReworded.Pending!.Entry!.ContextHash);
    }

    private async Task<SemanticCache> NewSemanticCacheAsync(FakeEmbeddingGenerator generator)
    {
        var embeddings = new SemanticEmbeddings("fake", 2, () => generator, NullLogger<SemanticEmbeddings>.Instance);
        await embeddings.WarmUpAsync();
        var metrics = new SemanticMetrics(_meters.Factory, _settings, _index);
        var embedder = new BudgetedEmbedder(embeddings, _settings.Current.Options.Embeddings, metrics, _time, NullLogger<BudgetedEmbedder>.Instance);
        return new SemanticCache(
            embedder, _index, new SemanticFeedReader(_store, _index, _time), _store, metrics,
            new CacheMetrics(_meters.Factory, _settings), _time, NullLogger<SemanticCache>.Instance);
    }

    private GatewayRequest Request(string tenant) => TestRequests.Arrive(_settings.Current, _time, tenant).State();

    private static CacheKeyParts Parts(string body) =>
        new(TestRequests.Route, "POST", "gateway.test", "/query", "", "application/json", Encoding.UTF8.GetBytes(body), [], null);
}
