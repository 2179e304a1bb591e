using System.Diagnostics;
using Gateway.Config.Options;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Caching.Semantic.Embeddings;

/// <summary>
/// The semantic cache's embedding provider: an OpenAI-compatible service when <c>Gateway:Embeddings:Endpoint</c> is
/// set (ready at once), otherwise the embedded all-MiniLM-L6-v2, which costs about 300 MiB and 0.4–2 s to load and is
/// therefore loaded in the background, the first time a semantic route needs it and never on the request path.
/// Until it is ready the semantic step is skipped.
/// </summary>
internal sealed partial class SemanticEmbeddings : IDisposable
{
    /// <summary><see cref="Provider"/> of the embedded model.</summary>
    public const string Embedded = "embedded";

    /// <summary><see cref="Provider"/> of the HTTP service.</summary>
    public const string Http = "http";

    private readonly Func<IEmbeddingGenerator<string, Embedding<float>>> _create;
    private readonly bool _warmUpCall;
    private readonly ILogger _logger;
    private Task? _loading;
    private IEmbeddingGenerator<string, Embedding<float>>? _generator;

    /// <summary>Creates the provider; <paramref name="create"/> runs once, on a pool thread.</summary>
    /// <param name="provider">Name for metrics and logs.</param>
    /// <param name="dimensions">Length of the provider's vectors.</param>
    /// <param name="create">Builds the generator.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="warmUpCall">Whether loading also runs one embedding, so the first request does not pay for the model's first run (60–90 ms for MiniLM).</param>
    public SemanticEmbeddings(string provider, int dimensions, Func<IEmbeddingGenerator<string, Embedding<float>>> create, ILogger<SemanticEmbeddings> logger, bool warmUpCall = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(logger);
        Provider = provider;
        Dimensions = dimensions;
        _create = create;
        _warmUpCall = warmUpCall;
        _logger = logger;
    }

    /// <summary><see cref="Embedded"/> or <see cref="Http"/>, for metrics and logs.</summary>
    public string Provider { get; }

    /// <summary>Length of every vector the provider returns.</summary>
    public int Dimensions { get; }

    /// <summary>The generator once loaded; null before (and the first call starts loading it).</summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Ready
    {
        get
        {
            if (Volatile.Read(ref _generator) is { } ready)
            {
                return ready;
            }

            _ = WarmUpAsync();
            return null;
        }
    }

    /// <summary>The provider for <paramref name="options"/>: the HTTP service over <paramref name="http"/> when an endpoint is set, else the embedded model.</summary>
    public static SemanticEmbeddings Create(EmbeddingsOptions options, Func<HttpClient> http, ILogger<SemanticEmbeddings> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            var endpoint = new Uri(options.Endpoint, UriKind.Absolute);
            return new SemanticEmbeddings(Http, options.Dimensions, () => new OpenAiCompatibleEmbeddingGenerator(http(), endpoint, options.Path, options.Model, options.ApiKey), logger);
        }

        // By default the model may take half the cores: the request path keeps the rest whatever the load.
        var concurrency = options.MaxConcurrency > 0 ? options.MaxConcurrency : Math.Max(1, Environment.ProcessorCount / 2);
        return new SemanticEmbeddings(Embedded, MiniLmEmbeddingGenerator.Dimensions, () => new MiniLmEmbeddingGenerator(concurrency), logger, warmUpCall: true);
    }

    /// <summary>Starts loading unless it has started; completes when the provider is ready or failed to load.</summary>
    public Task WarmUpAsync()
    {
        if (Volatile.Read(ref _loading) is { } loading)
        {
            return loading;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _loading, done.Task, null) is { } other)
        {
            return other;
        }

        _ = Task.Run(async () =>
        {
            await LoadAsync().ConfigureAwait(false);
            done.SetResult();
        });
        return done.Task;
    }

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _generator, null)?.Dispose();

    private async Task LoadAsync()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var generator = _create();
            if (_warmUpCall)
            {
                await generator.GenerateAsync(["warm up the model"]).ConfigureAwait(false);
            }

            Volatile.Write(ref _generator, generator);
            var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogLoaded(_logger, Provider, elapsedMs);
        }
        catch (Exception ex)
        {
            // Not fatal: the semantic step stays off and every request goes the exact-key way.
            LogLoadFailed(_logger, ex, Provider);
        }
    }

    [LoggerMessage(EventId = 640, Level = LogLevel.Information, Message = "Semantic cache embedding provider '{Provider}' ready after {ElapsedMs} ms")]
    private static partial void LogLoaded(ILogger logger, string provider, long elapsedMs);

    [LoggerMessage(EventId = 641, Level = LogLevel.Error, Message = "Semantic cache embedding provider '{Provider}' could not be loaded; semantic lookups stay off")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string provider);
}
