using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Gateway.Transforms.Caching.Semantic.Embeddings;
using Gateway.Transforms.Caching.Semantic.Guard;
using Gateway.Transforms.Caching.Semantic.Index;
using Gateway.Transforms.Caching.Semantic.Matching;

namespace Gateway.Benchmarks;

/// <summary>
/// The semantic cache's costs beside the embedding: brute-force search of one tenant's index (one context, top 4)
/// at growing sizes, the detail guard's extraction and check. Where the search stops being small next to one
/// embedding is where brute force stops being fine.
/// </summary>
[MemoryDiagnoser]
public class SemanticSearchBenchmarks
{
    private const int Dimensions = 384;
    private TenantVectorIndex _index = null!;
    private float[] _query = [];
    private SemanticCandidate[] _results = [];

    /// <summary>Vectors in the searched tenant's context.</summary>
    [Params(1_000, 10_000, 50_000, 100_000)]
    public int Vectors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _index = new TenantVectorIndex(Dimensions, Vectors, long.MaxValue);
        var random = new Random(7);
        for (var i = 0; i < Vectors; i++)
        {
            _index.Add("acme", new SemanticEntry($"{i:x64}", 1, 0, QueryDetails.Empty, Unit(random)));
        }

        _query = Unit(random);
        _results = new SemanticCandidate[SemanticMatcher.MaxCandidates];
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(Description = "semantic: brute-force search, top 4 (TensorPrimitives.Dot)")]
    public int Search() => _index.Search("acme", 1, 0, _query, float.MinValue, _results);

    private static float[] Unit(Random random)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)((random.NextDouble() * 2) - 1);
        }

        VectorMath.TryNormalize(v);
        return v;
    }
}

/// <summary>The detail guard: extraction runs once per lookup and once per stored vector read from the feed; the check once per candidate.</summary>
[MemoryDiagnoser]
public class SemanticGuardBenchmarks
{
    private QueryDetails _query = null!;
    private QueryDetails _stored = null!;

    [GlobalSetup]
    public void Setup()
    {
        _query = DetailExtractor.Extract("What's the refund policy for EU customers in Q3 2024?");
        _stored = DetailExtractor.Extract("What is our refund policy for customers in the EU, third quarter of 2024?");
    }

    [Benchmark(Description = "semantic: extract details of a query")]
    public int Extract() => DetailExtractor.Extract("What's the refund policy for EU customers in Q3 2024?").Words.Length;

    [Benchmark(Description = "semantic: guard check of one candidate (balanced)")]
    public bool Check() => DetailGuard.Check(_query, _stored) == GuardVerdict.Allowed;
}

/// <summary>One embedding with the embedded all-MiniLM-L6-v2 (ONNX Runtime, one intra-op thread), as the gateway calls it.</summary>
public class SemanticEmbeddingBenchmarks
{
    private MiniLmEmbeddingGenerator _model = null!;

    [GlobalSetup]
    public void Setup() => _model = new MiniLmEmbeddingGenerator(maxConcurrency: 1);

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark(Description = "semantic: embed one query (all-MiniLM-L6-v2, CPU)")]
    public async Task<float> Embed() => TensorPrimitives.Sum((await _model.GenerateAsync(["what is our refund policy for customers in the EU?"]))[0].Vector.Span);
}
