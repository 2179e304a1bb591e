using Microsoft.Extensions.AI;

namespace Gateway.Tests.Caching.Semantic.Embeddings;

/// <summary>An embedding generator whose behaviour each test scripts.</summary>
internal sealed class FakeEmbeddingGenerator(Func<string, CancellationToken, Task<float[]>> behaviour) : IEmbeddingGenerator<string, Embedding<float>>
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public static FakeEmbeddingGenerator Returning(float[] vector) => new((_, _) => Task.FromResult(vector));

    public static FakeEmbeddingGenerator Throwing() => new((_, _) => Task.FromException<float[]>(new HttpRequestException("down")));

    /// <summary>Never answers until its token is cancelled.</summary>
    public static FakeEmbeddingGenerator Hanging() => new(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        return [];
    });

    /// <summary>Never answers and ignores cancellation, like a provider stuck in a blocking call.</summary>
    public static FakeEmbeddingGenerator IgnoringCancellation() => new((_, _) => new TaskCompletionSource<float[]>().Task);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var vector = await behaviour(values.Single(), cancellationToken);
        return [new Embedding<float>(vector)];
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
