using System.Numerics.Tensors;
using Gateway.Transforms.Caching.Semantic.Guard;
using Gateway.Transforms.Caching.Semantic.Index;

namespace Gateway.Tests.Caching.Semantic.Index;

public sealed class TenantVectorIndexTests
{
    private const ulong Context = 42;
    private static readonly string[] Tenants = ["a", "b"];

    private static TenantVectorIndex NewIndex(int maxEntries = 100, long maxBytes = 10_000_000) =>
        new(TestVectors.Dimensions, maxEntries, maxBytes);

    private static SemanticEntry Entry(string key, float[] vector, long generation = 1, ulong context = Context) =>
        new(key, context, generation, QueryDetails.Empty, vector);

    private static SemanticCandidate[] Search(TenantVectorIndex index, string tenant, float[] query, long generation = 1, ulong context = Context, float min = 0.5f, int k = 4)
    {
        var results = new SemanticCandidate[k];
        var found = index.Search(tenant, context, generation, query, min, results);
        return results[..found];
    }

    [Fact]
    public void Search_SameQueryFromOtherTenant_FindsNothing()
    {
        using var index = NewIndex();
        var v = TestVectors.Unit(1);
        index.Add("tenant-a", Entry("a-key", v));

        Assert.Empty(Search(index, "tenant-b", v));
        Assert.Single(Search(index, "tenant-a", v));
    }

    [Fact]
    public void Search_BothTenantsStoreSameQuery_EachSeesOnlyItsOwnEntry()
    {
        using var index = NewIndex();
        var v = TestVectors.Unit(1);
        index.Add("tenant-a", Entry("a-key", v));
        index.Add("tenant-b", Entry("b-key", v));

        Assert.Equal(["a-key"], Search(index, "tenant-a", v).Select(c => c.EntryKey));
        Assert.Equal(["b-key"], Search(index, "tenant-b", v).Select(c => c.EntryKey));
    }

    [Fact]
    public void Search_DifferentContextHash_FindsNothing()
    {
        using var index = NewIndex();
        var v = TestVectors.Unit(1);
        index.Add("t", Entry("k", v, context: 1));

        Assert.Empty(Search(index, "t", v, context: 2));
        Assert.Single(Search(index, "t", v, context: 1));
    }

    [Fact]
    public void Search_OtherGeneration_FindsNothing()
    {
        using var index = NewIndex();
        var v = TestVectors.Unit(1);
        index.Add("t", Entry("k", v, generation: 5));

        Assert.Empty(Search(index, "t", v, generation: 4));
        Assert.Empty(Search(index, "t", v, generation: 6));
        Assert.Single(Search(index, "t", v, generation: 5));
    }

    [Fact]
    public void AdvanceGeneration_DropsOlderVectorsAndKeepsOtherTenants()
    {
        using var index = NewIndex();
        var v = TestVectors.Unit(1);
        index.Add("a", Entry("k1", v, generation: 1));
        index.Add("a", Entry("k2", TestVectors.Unit(2), generation: 1));
        index.Add("b", Entry("k3", v, generation: 1));

        index.AdvanceGeneration("a", 2);

        Assert.Equal(0, index.GetStats("a").Count);
        Assert.Equal(0, index.GetStats("a").Bytes);
        Assert.Empty(Search(index, "a", v, generation: 1));
        Assert.Single(Search(index, "b", v, generation: 1));
    }

    [Fact]
    public void Add_OlderGeneration_IsRefused()
    {
        using var index = NewIndex();
        index.Add("t", Entry("new", TestVectors.Unit(1), generation: 3));

        Assert.Equal(IndexAddResult.StaleGeneration, index.Add("t", Entry("old", TestVectors.Unit(2), generation: 2)));
        Assert.Equal(1, index.GetStats("t").Count);
    }

    [Fact]
    public void Add_NewerGeneration_ClearsOlderEntries()
    {
        using var index = NewIndex();
        index.Add("t", Entry("g1", TestVectors.Unit(1), generation: 1));

        index.Add("t", Entry("g2", TestVectors.Unit(2), generation: 2));

        Assert.Equal(1, index.GetStats("t").Count);
        Assert.Equal(2, index.GetStats("t").Generation);
    }

    [Fact]
    public void Add_PastCountBound_EvictsOldestFirst()
    {
        using var index = NewIndex(maxEntries: 3);
        var vectors = Enumerable.Range(0, 5).Select(TestVectors.Unit).ToArray();
        for (var i = 0; i < 5; i++)
        {
            index.Add("t", Entry($"k{i}", vectors[i]));
        }

        Assert.Equal(3, index.GetStats("t").Count);
        Assert.Empty(Search(index, "t", vectors[0], min: 0.99f));
        Assert.Empty(Search(index, "t", vectors[1], min: 0.99f));
        Assert.Equal("k4", Assert.Single(Search(index, "t", vectors[4], min: 0.99f)).EntryKey);
    }

    [Fact]
    public void Add_PastByteBound_StaysWithinBytes()
    {
        long perEntry;
        using (var probe = NewIndex())
        {
            probe.Add("t", Entry("k0", TestVectors.Unit(0)));
            perEntry = probe.GetStats("t").Bytes;
        }

        var bound = (perEntry * 2) + (perEntry / 2);
        using var index = NewIndex(maxEntries: 1000, maxBytes: bound);
        for (var i = 0; i < 10; i++)
        {
            index.Add("t", Entry($"k{i}", TestVectors.Unit(i)));
        }

        var stats = index.GetStats("t");
        Assert.Equal(2, stats.Count);
        Assert.Equal(perEntry * 2, stats.Bytes);
        Assert.True(stats.Bytes <= bound);
    }

    [Fact]
    public void Add_EntryLargerThanByteBound_IsRefused()
    {
        using var index = NewIndex(maxBytes: 1024);

        Assert.Equal(IndexAddResult.TooLarge, index.Add("t", Entry("k", TestVectors.Unit(1))));
        Assert.Equal(0, index.GetStats("t").Count);
    }

    [Fact]
    public void Add_SameKey_ReplacesVectorWithoutGrowing()
    {
        using var index = NewIndex();
        var first = TestVectors.Unit(1);
        var second = TestVectors.Unit(2);
        index.Add("t", Entry("k", first));
        var bytes = index.GetStats("t").Bytes;

        Assert.Equal(IndexAddResult.Replaced, index.Add("t", Entry("k", second)));

        Assert.Equal(1, index.GetStats("t").Count);
        Assert.Equal(bytes, index.GetStats("t").Bytes);
        Assert.Empty(Search(index, "t", first, min: 0.99f));
        Assert.Single(Search(index, "t", second, min: 0.99f));
    }

    [Fact]
    public void Search_ManyCandidates_ReturnsBestFirstAboveMinimum()
    {
        using var index = NewIndex();
        var query = TestVectors.Unit(100);
        var noises = new[] { 0.9f, 0.1f, 0.5f, 0.3f, 3f, 0.7f };
        for (var i = 0; i < noises.Length; i++)
        {
            index.Add("t", Entry($"k{i}", TestVectors.Near(query, noises[i], seed: i)));
        }

        var found = Search(index, "t", query, min: 0.6f, k: 3);

        Assert.Equal(3, found.Length);
        Assert.Equal(["k1", "k3", "k2"], found.Select(c => c.EntryKey));
        Assert.True(found[0].Similarity >= found[1].Similarity && found[1].Similarity >= found[2].Similarity);
        Assert.All(found, c => Assert.True(c.Similarity >= 0.6f));
        Assert.Equal(TensorPrimitives.Dot<float>(query, TestVectors.Near(query, 0.1f, 1)), found[0].Similarity, 5);
    }

    [Fact]
    public void Remove_Entry_IsNoLongerFoundAndBytesReturn()
    {
        using var index = NewIndex();
        var v = TestVectors.Unit(1);
        index.Add("t", Entry("k1", v));
        index.Add("t", Entry("k2", TestVectors.Unit(2)));

        Assert.True(index.Remove("t", "k1"));

        Assert.Empty(Search(index, "t", v, min: 0.99f));
        Assert.Equal(1, index.GetStats("t").Count);
        Assert.False(index.Remove("t", "k1"));
    }

    [Fact]
    public void Add_WrongDimensions_Throws()
    {
        using var index = NewIndex();

        Assert.Throws<ArgumentException>(() => index.Add("t", Entry("k", new float[10])));
    }

    [Fact]
    public async Task AddAndSearch_ConcurrentTenants_NeverCrossTenants()
    {
        using var index = NewIndex(maxEntries: 200);
        var shared = TestVectors.Unit(7);
        var crossHits = 0;

        // Bounded: 2 tenants x 2,000 operations each.
        await Task.WhenAll(Tenants.Select(tenant => Task.Run(() =>
        {
            var results = new SemanticCandidate[4];
            for (var i = 0; i < 2_000; i++)
            {
                index.Add(tenant, Entry($"{tenant}-{i % 300}", TestVectors.Near(shared, 0.05f, i)));
                var found = index.Search(tenant, Context, 1, shared, 0.5f, results);
                for (var r = 0; r < found; r++)
                {
                    if (!results[r].EntryKey.StartsWith(tenant + "-", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref crossHits);
                    }
                }
            }
        })));

        Assert.Equal(0, crossHits);
        Assert.Equal(200, index.GetStats("a").Count);
        Assert.Equal(200, index.GetStats("b").Count);
    }
}
