using System.Text;
using System.Text.Json;
using Gateway.Transforms.Infrastructure.Redis;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Caching.Semantic;

/// <summary>
/// The semantic cache and the byte quota: vector records are charged to the tenant with their entries, exactly, and a
/// tenant whose quota has room for an entry but not for its record stores the entry alone.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SemanticQuotaTests(RedisServerFixture redis) : IAsyncLifetime
{
    private ConnectionMultiplexer? _probe;

    private IDatabase Db => _probe!.GetDatabase();

    public async Task InitializeAsync()
    {
        await redis.StartAsync();
        _probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_probe is not null)
        {
            await _probe.DisposeAsync();
        }
    }

    [Fact]
    public async Task Usage_EntriesWithVectors_EqualsEntryAndRecordBytesInRedis()
    {
        // Arrange
        await using var cache = await SemanticCacheGateway.StartAsync(redis.ConnectionString);
        var tenant = cache.TenantA;

        // Act
        for (var i = 0; i < 6; i++)
        {
            await cache.AskAsync(tenant, Intents.All[i][0]);
        }

        var usage = await Poll.UntilAsync(() => cache.CacheMetricsAsync(tenant), m => m.GetProperty("key_count").GetInt64() == 6, TimeSpan.FromSeconds(5));
        var held = await HeldAsync(tenant);

        // Assert: six entries, six records, the quota counts both, and a record expires with its entry.
        Assert.Equal(6, held.Entries);
        Assert.Equal(6, held.Vectors);
        Assert.Equal(held.EntryBytes + held.VectorBytes, usage.GetProperty("size_bytes").GetInt64());
        Assert.InRange(held.VectorBytes / 6, 779, 779 + 200);
        Assert.All(held.TtlGaps, gap => Assert.InRange(gap, -1000, 1000));
    }

    [Fact]
    public async Task Quota_RoomForEntryButNotRecord_EntryStoredAloneAndAccountingExact()
    {
        // Arrange: an embedding service with 1,000-dimension vectors makes each record about 2 KB against entries of
        // about 200 B, so the 8 KB tenant runs out of room for records well before room for entries. It answers every
        // text with the same vector: the guard alone tells the questions apart.
        using var embeddings = ConstantEmbeddings(1000);
        await using var cache = await SemanticCacheGateway.StartAsync(
            redis.ConnectionString,
            configure: config => config
                .With("Gateway:Embeddings:Endpoint", embeddings.Url)
                .With("Gateway:Embeddings:Dimensions", 1000),
            realModel: false);
        var tenant = cache.TenantTiny;

        // Act: one question at a time, each write confirmed before the next.
        var stored = new List<int>();
        for (var i = 0; i < Intents.All.Length; i++)
        {
            var before = (await cache.CacheMetricsAsync(tenant)).GetProperty("key_count").GetInt64();
            await cache.AskAsync(tenant, Intents.All[i][0]);
            var after = await Poll.UntilAsync(
                async () => (await cache.CacheMetricsAsync(tenant)).GetProperty("key_count").GetInt64(),
                count => count > before,
                TimeSpan.FromMilliseconds(500));
            if (after > before)
            {
                stored.Add(i);
            }
        }

        var usage = await cache.CacheMetricsAsync(tenant);
        var held = await HeldAsync(tenant);
        var withRecord = await cache.AskAsync(tenant, Intents.All[stored[0]][1]);
        var withoutRecord = await cache.AskAsync(tenant, Intents.All[stored[^1]][1]);

        // Assert
        var limit = (long)(CacheGateway.TinyQuotaBytes * 0.95);
        Assert.Equal(stored.Count, held.Entries);
        Assert.InRange(held.Vectors, 1, held.Entries - 1);
        Assert.Equal(held.EntryBytes + held.VectorBytes, usage.GetProperty("size_bytes").GetInt64());
        Assert.True(held.EntryBytes + held.VectorBytes <= limit, $"{held.EntryBytes + held.VectorBytes} bytes held, limit {limit}");
        Assert.True(withRecord.IsSemanticHit, withRecord.ToString());
        Assert.Equal("MISS", withoutRecord.Cache);
    }

    /// <summary>The tenant's entries of generation 0 (from its quota index) and their vector records, as Redis holds them.</summary>
    private async Task<(int Entries, long EntryBytes, int Vectors, long VectorBytes, List<long> TtlGaps)> HeldAsync(string tenant)
    {
        var entries = await Db.SortedSetRangeByRankAsync(RedisKeys.CacheIndex(tenant));
        long entryBytes = 0, vectorBytes = 0;
        var vectors = 0;
        var gaps = new List<long>();
        foreach (var member in entries)
        {
            var entry = (string)member!;
            entryBytes += await Db.StringLengthAsync(entry);
            var vector = RedisKeys.CacheVector(tenant, 0, entry[(entry.LastIndexOf(':') + 1)..]);
            var length = await Db.StringLengthAsync(vector);
            if (length > 0)
            {
                vectors++;
                vectorBytes += length;
                gaps.Add((long)((await Db.KeyTimeToLiveAsync(entry))!.Value - (await Db.KeyTimeToLiveAsync(vector))!.Value).TotalMilliseconds);
            }
        }

        Assert.Equal(vectors, await Db.SortedSetLengthAsync(RedisKeys.CacheVectorFeed(tenant, 0)));
        return (entries.Length, entryBytes, vectors, vectorBytes, gaps);
    }

    /// <summary>An OpenAI-compatible embeddings stub answering every text with the same unit vector.</summary>
    private static WireMockServer ConstantEmbeddings(int dimensions)
    {
        var server = WireMockUpstream.Start();
        var vector = new float[dimensions];
        vector[0] = 1;
        server.Given(Request.Create().WithPath("/v1/embeddings").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(JsonSerializer.Serialize(new { data = new[] { new { index = 0, embedding = vector } } })));
        return server;
    }
}
