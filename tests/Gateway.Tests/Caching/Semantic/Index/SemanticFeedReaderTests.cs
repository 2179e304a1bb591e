using Gateway.Transforms.Caching.Semantic;
using Gateway.Transforms.Caching.Semantic.Index;
using Gateway.Transforms.Caching.Stores;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Caching.Semantic.Index;

public sealed class SemanticFeedReaderTests : IDisposable
{
    private const string Tenant = "tenant-a";
    private readonly FakeTimeProvider _time = new();
    private readonly FakeVectorFeedStore _store = new();
    private readonly TenantVectorIndex _index = new(TestVectors.Dimensions, 100, 10_000_000);

    public void Dispose() => _index.Dispose();

    [Fact]
    public async Task RefreshAsync_RecordsInFeed_IndexedUnderTheTenantAndGeneration()
    {
        // Arrange
        _store.Add(0, "k1", SemanticRecord.Write(5, TestVectors.Unit(1), "what is our refund policy?"));
        var reader = new SemanticFeedReader(_store, _index, _time);

        // Act
        await reader.RefreshAsync(Tenant, 0);

        // Assert
        Assert.True(_index.Contains(Tenant, 0, "k1"));
        Assert.False(_index.Contains("tenant-b", 0, "k1"));
        Assert.Equal(1, _index.GetStats(Tenant).Count);
    }

    [Fact]
    public async Task RefreshAsync_WithinOneSecond_ReadsOnceThenAgainAfterTheInterval()
    {
        // Arrange
        var reader = new SemanticFeedReader(_store, _index, _time);
        await reader.RefreshAsync(Tenant, 0);
        _store.Add(0, "k1", SemanticRecord.Write(5, TestVectors.Unit(1), "q"));

        // Act
        await reader.RefreshAsync(Tenant, 0);
        var seenEarly = _index.Contains(Tenant, 0, "k1");
        _time.Advance(SemanticFeedReader.Interval);
        await reader.RefreshAsync(Tenant, 0);

        // Assert
        Assert.False(seenEarly);
        Assert.True(_index.Contains(Tenant, 0, "k1"));
        Assert.Equal([0L, 0L], _store.ReadsAfter);
    }

    [Fact]
    public async Task RefreshAsync_BacklogLongerThanOneRead_ContinuesAtOnceFromTheCursor()
    {
        // Arrange: 3,000 records; one refresh reads at most 8 pages of 256.
        for (var i = 0; i < 3000; i++)
        {
            _store.Add(0, $"k{i}", SemanticRecord.Write(5, TestVectors.Unit(i), "q"));
        }

        using var index = new TenantVectorIndex(TestVectors.Dimensions, 5000, 100_000_000);
        var reader = new SemanticFeedReader(_store, index, _time);

        // Act
        await reader.RefreshAsync(Tenant, 0);
        var afterFirst = index.GetStats(Tenant).Count;
        await reader.RefreshAsync(Tenant, 0);

        // Assert
        Assert.Equal(2048, afterFirst);
        Assert.Equal(3000, index.GetStats(Tenant).Count);
        Assert.Equal(2048, _store.ReadsAfter[8]);
    }

    [Fact]
    public async Task RefreshAsync_NewGeneration_OldVectorsDroppedAndNewFeedReadFromItsStart()
    {
        // Arrange
        _store.Add(0, "old", SemanticRecord.Write(5, TestVectors.Unit(1), "q"));
        _store.Add(1, "new", SemanticRecord.Write(5, TestVectors.Unit(2), "q"));
        var reader = new SemanticFeedReader(_store, _index, _time);
        await reader.RefreshAsync(Tenant, 0);

        // Act
        await reader.RefreshAsync(Tenant, 1);

        // Assert
        Assert.False(_index.Contains(Tenant, 0, "old"));
        Assert.True(_index.Contains(Tenant, 1, "new"));
        Assert.Equal(1, _index.GetStats(Tenant).Count);
        Assert.Equal(0, _store.ReadsAfter[^1]);
    }

    [Fact]
    public async Task RefreshAsync_UnreadableRecord_Skipped()
    {
        // Arrange
        _store.Add(0, "bad", [1, 2, 3]);
        _store.Add(0, "good", SemanticRecord.Write(5, TestVectors.Unit(1), "q"));
        var reader = new SemanticFeedReader(_store, _index, _time);

        // Act
        await reader.RefreshAsync(Tenant, 0);

        // Assert
        Assert.False(_index.Contains(Tenant, 0, "bad"));
        Assert.True(_index.Contains(Tenant, 0, "good"));
    }

    /// <summary>A shared store whose only working part is the vector feed.</summary>
    private sealed class FakeVectorFeedStore : ITenantCacheStore
    {
        private readonly List<(long Generation, CacheVectorRecord Record)> _feed = [];

        public List<long> ReadsAfter { get; } = [];

        public string Name => "fake";

        public bool IsShared => true;

        public bool IsAvailable => true;

        public void Add(long generation, string key, byte[] record) => _feed.Add((generation, new CacheVectorRecord(key, record)));

        public ValueTask<CacheVectorPage?> ReadVectorsAsync(string tenantId, long generation, long after, int max, CancellationToken cancellationToken)
        {
            ReadsAfter.Add(after);
            var records = _feed.Where(f => f.Generation == generation).Select(f => f.Record).ToList();
            var page = records.Skip((int)after).Take(max).ToList();
            return ValueTask.FromResult<CacheVectorPage?>(new CacheVectorPage(page, after + page.Count, page.Count == max));
        }

        public void Start()
        {
        }

        public ValueTask<CacheLookupResult> LookupAsync(string tenantId, string keyHash, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<long?> GetGenerationAsync(string tenantId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public void RecordLookup(string tenantId, bool hit) => throw new NotSupportedException();

        public ValueTask<CacheWriteResult> SetAsync(CacheWriteRequest write, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CacheInvalidationResult?> InvalidateAsync(string tenantId, TimeSpan metadataTtl, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> ReclaimAsync(string tenantId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CacheUsageSnapshot?> GetUsageAsync(string tenantId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CacheLookupResult> PeekAsync(string tenantId, string keyHash, long generation, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
