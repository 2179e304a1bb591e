using Gateway.Config.Options;
using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Caching.Semantic.Embeddings;

/// <summary>
/// Runs one embedding within its budget behind a circuit breaker and turns every failure into a skip, so the
/// semantic step can only ever cost its budget, never a request.
/// </summary>
/// <remarks>
/// The breaker is the consecutive-failure breaker the Redis guard uses: after
/// <c>Gateway:Embeddings:BreakerFailureThreshold</c> failures or overruns in a row the provider is skipped for the
/// cool-down, then one probe call decides. A probe whose caller went away counts as a failure, so the circuit can
/// never be left waiting for a probe that will not report. An overrun counts as a failure of a remote provider
/// (slow is how a service fails), not of the embedded model: its overruns are this node's load (callers queued for
/// the model's threads in a burst), which the budget already bounds per request and which drops expired calls unrun;
/// opening the circuit for them turned the semantic cache off for a whole cool-down after one burst (the load
/// driver's warm-up did it every run). A probe's overrun still counts, so a probe always reports.
/// </remarks>
internal sealed partial class BudgetedEmbedder
{
    private static readonly TimeSpan MinimumUsefulBudget = TimeSpan.FromMilliseconds(1);

    private readonly SemanticEmbeddings _embeddings;
    private readonly RedisCircuitBreaker _breaker;
    private readonly SemanticMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _overrunIsFailure;

    /// <summary>Creates the embedder; the breaker settings are read once, from <paramref name="options"/>.</summary>
    public BudgetedEmbedder(SemanticEmbeddings embeddings, EmbeddingsOptions options, SemanticMetrics metrics, TimeProvider time, ILogger<BudgetedEmbedder> logger)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _embeddings = embeddings;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _overrunIsFailure = embeddings.Provider != SemanticEmbeddings.Embedded;
        _breaker = new RedisCircuitBreaker(options.BreakerFailureThreshold, TimeSpan.FromMilliseconds(options.BreakerCooldownMs), time);
        _breaker.StateChanged += open =>
        {
            if (open)
            {
                LogCircuitOpened(_logger, _embeddings.Provider);
            }
            else
            {
                LogCircuitClosed(_logger, _embeddings.Provider);
            }
        };
    }

    /// <summary>Whether the provider is being skipped after repeated failures.</summary>
    public bool IsCircuitOpen => _breaker.IsOpen;

    /// <summary>Embeds <paramref name="text"/> within <paramref name="budget"/>, or says why not.</summary>
    /// <param name="text">The query text taken from the request body.</param>
    /// <param name="budget">Time the step may take, queueing for the model included.</param>
    /// <param name="maxQueryChars">Longer texts are not embedded.</param>
    /// <param name="cancellationToken">The request's token.</param>
    public async ValueTask<EmbeddingOutcome> EmbedAsync(string text, TimeSpan budget, int maxQueryChars, CancellationToken cancellationToken)
    {
        var outcome = await RunAsync(text, budget, maxQueryChars, cancellationToken).ConfigureAwait(false);
        _metrics.Embedded(_embeddings.Provider, outcome);
        return outcome;
    }

    private async ValueTask<EmbeddingOutcome> RunAsync(string text, TimeSpan budget, int maxQueryChars, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return EmbeddingOutcome.Skip(EmbeddingSkipReason.EmptyText);
        }

        if (text.Length > maxQueryChars)
        {
            return EmbeddingOutcome.Skip(EmbeddingSkipReason.TooLong);
        }

        if (budget < MinimumUsefulBudget)
        {
            return EmbeddingOutcome.Skip(EmbeddingSkipReason.NoTimeLeft);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return EmbeddingOutcome.Skip(EmbeddingSkipReason.Cancelled);
        }

        if (_embeddings.Ready is not { } generator)
        {
            return EmbeddingOutcome.Skip(EmbeddingSkipReason.NotReady);
        }

        var probe = _breaker.IsOpen;
        if (!_breaker.TryAcquire())
        {
            return EmbeddingOutcome.Skip(EmbeddingSkipReason.CircuitOpen);
        }

        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(budget, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Task<GeneratedEmbeddings<Embedding<float>>>? call = null;
        try
        {
            call = generator.GenerateAsync([text], null, linked.Token);

            // WaitAsync covers a provider that ignores its token; the token covers the embedded model, whose
            // synchronous run is aborted through ONNX Runtime's terminate flag.
            var embeddings = await call.WaitAsync(budget, _time, cancellationToken).ConfigureAwait(false);
            var vector = embeddings.Count == 1 ? embeddings[0].Vector : ReadOnlyMemory<float>.Empty;
            if (vector.Length != _embeddings.Dimensions)
            {
                return Fail(started, $"{vector.Length} dimensions instead of {_embeddings.Dimensions}");
            }

            _breaker.RecordSuccess();
            return new EmbeddingOutcome(vector, EmbeddingSkipReason.None, _time.GetElapsedTime(started));
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            Observe(call);
            if (probe)
            {
                _breaker.RecordFailure();
            }

            return EmbeddingOutcome.Skip(EmbeddingSkipReason.Cancelled, _time.GetElapsedTime(started));
        }
        catch (Exception ex) when (timeout.IsCancellationRequested || ex is TimeoutException)
        {
            Observe(call);
            if (_overrunIsFailure || probe)
            {
                _breaker.RecordFailure();
            }

            return EmbeddingOutcome.Skip(EmbeddingSkipReason.BudgetExceeded, _time.GetElapsedTime(started));
        }
        catch (Exception ex)
        {
            return Fail(started, ex.GetType().Name);
        }
    }

    private EmbeddingOutcome Fail(long started, string cause)
    {
        LogProviderFailed(_logger, _embeddings.Provider, cause);
        _breaker.RecordFailure();
        return EmbeddingOutcome.Skip(EmbeddingSkipReason.ProviderFailed, _time.GetElapsedTime(started));
    }

    // A call abandoned by WaitAsync may still fault later; observe it so it is not reported as unobserved.
    private static void Observe(Task? call) =>
        call?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [LoggerMessage(EventId = 642, Level = LogLevel.Warning, Message = "Semantic cache embedding provider '{Provider}' circuit opened; lookups skip it during the cool-down")]
    private static partial void LogCircuitOpened(ILogger logger, string provider);

    [LoggerMessage(EventId = 643, Level = LogLevel.Information, Message = "Semantic cache embedding provider '{Provider}' circuit closed")]
    private static partial void LogCircuitClosed(ILogger logger, string provider);

    [LoggerMessage(EventId = 644, Level = LogLevel.Debug, Message = "Semantic cache embedding with provider '{Provider}' failed ({Cause}); the lookup was skipped")]
    private static partial void LogProviderFailed(ILogger logger, string provider, string cause);
}
