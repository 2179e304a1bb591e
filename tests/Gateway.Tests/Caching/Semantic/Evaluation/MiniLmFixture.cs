using System.Diagnostics;
using Gateway.Transforms.Caching.Semantic.Embeddings;

namespace Gateway.Tests.Caching.Semantic.Evaluation;

/// <summary>Loads the embedded model once for every test that needs it, and remembers what that cost.</summary>
public sealed class MiniLmFixture : IAsyncLifetime
{
    // Tests in the collection run one after another, so a plain dictionary is enough.
    private readonly Dictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private MiniLmEmbeddingGenerator? _generator;

    internal MiniLmEmbeddingGenerator Generator => _generator ?? throw new InvalidOperationException("The model is not loaded.");

    public TimeSpan LoadTime { get; private set; }

    public TimeSpan FirstCallTime { get; private set; }

    public long RssGrowthBytes { get; private set; }

    public async Task InitializeAsync()
    {
        var rssBefore = CurrentRssBytes();
        var started = Stopwatch.GetTimestamp();
        _generator = await Task.Run(() => new MiniLmEmbeddingGenerator(maxConcurrency: Environment.ProcessorCount));
        LoadTime = Stopwatch.GetElapsedTime(started);
        started = Stopwatch.GetTimestamp();
        _ = await _generator.GenerateAsync(["warm up the session"]);
        FirstCallTime = Stopwatch.GetElapsedTime(started);
        RssGrowthBytes = CurrentRssBytes() - rssBefore;
    }

    public Task DisposeAsync()
    {
        _generator?.Dispose();
        return Task.CompletedTask;
    }

    public static long CurrentRssBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    internal async Task<Dictionary<string, float[]>> EmbedAllAsync(IEnumerable<string> texts)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var text in texts.Distinct(StringComparer.Ordinal))
        {
            if (!_cache.TryGetValue(text, out var vector))
            {
                // One at a time, as the gateway calls it.
                vector = (await Generator.GenerateAsync([text]))[0].Vector.ToArray();
                _cache[text] = vector;
            }

            result[text] = vector;
        }

        return result;
    }
}

[CollectionDefinition(Name)]
public sealed class MiniLmTests : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM";
}
