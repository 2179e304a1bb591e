using Gateway.Transforms.Caching.Semantic.Embeddings;
using Gateway.Transforms.Caching.Semantic.Guard;
using Gateway.Transforms.Caching.Semantic.Index;
using Gateway.Transforms.Caching.Semantic.Matching;
using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Infrastructure.Context;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Caching.Semantic;

/// <summary>
/// The semantic step of the cache stage, run on an exact-key miss of a route with <c>"SemanticCache": "true"</c>:
/// take the text at the route's JSON pointer, embed it within the budget, search only this tenant's vectors of the
/// current generation whose context (the exact key with the text replaced) is identical, let the detail guard
/// decide, and read the matched entry through the tenant's store. Every failure is a plain miss.
/// </summary>
internal sealed partial class SemanticCache
{
    private readonly BudgetedEmbedder _embedder;
    private readonly TenantVectorIndex _index;
    private readonly SemanticFeedReader _feed;
    private readonly ITenantCacheStore _store;
    private readonly SemanticMetrics _metrics;
    private readonly CacheMetrics _cacheMetrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SemanticCache> _logger;

    /// <summary>Creates the step.</summary>
    public SemanticCache(
        BudgetedEmbedder embedder,
        TenantVectorIndex index,
        SemanticFeedReader feed,
        ITenantCacheStore store,
        SemanticMetrics metrics,
        CacheMetrics cacheMetrics,
        TimeProvider time,
        ILogger<SemanticCache> logger)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(cacheMetrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _embedder = embedder;
        _index = index;
        _feed = feed;
        _store = store;
        _metrics = metrics;
        _cacheMetrics = cacheMetrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Looks for a stored query of the same meaning; see the class summary. Only the request's own cancellation propagates.</summary>
    /// <param name="request">The request (tenant, tier deadline, settings snapshot).</param>
    /// <param name="route">The route's semantic settings.</param>
    /// <param name="parts">The exact key's parts; only the text at the pointer may differ for a match.</param>
    /// <param name="keyHash">The request's exact key hash, under which its own answer will be stored.</param>
    /// <param name="generation">The tenant's generation the exact lookup used.</param>
    /// <param name="cancellationToken">The request's deadline token.</param>
    public async ValueTask<SemanticAttempt> LookupAsync(GatewayRequest request, SemanticRouteSettings route, CacheKeyParts parts, string keyHash, long generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(route);
        try
        {
            return await LookupCoreAsync(request, route, parts, keyHash, generation, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A semantic failure never fails a request: it goes upstream like any miss.
            LogLookupFailed(_logger, ex, request.TenantId!);
            return SemanticAttempt.None;
        }
    }

    /// <summary>Indexes the vector of an entry the store has just written with its record.</summary>
    public void Stored(string tenantId, SemanticEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _index.Add(tenantId, entry);
    }

    private async ValueTask<SemanticAttempt> LookupCoreAsync(GatewayRequest request, SemanticRouteSettings route, CacheKeyParts parts, string keyHash, long generation, CancellationToken cancellationToken)
    {
        var tenant = request.TenantId!;
        if (!SemanticRequestText.TryExtract(parts.Body.Span, route.Segments, out var text, out var bodyWithoutText))
        {
            return SemanticAttempt.None;
        }

        // A query this node has answered semantically before is answered again without embedding it.
        if (_index.TryRecall(tenant, generation, keyHash, out var recalled))
        {
            var again = await _store.PeekAsync(tenant, recalled.EntryKey, generation, cancellationToken);
            if (again.Status == CacheLookupStatus.Hit)
            {
                _metrics.Recalled(request.TenantLabel, recalled.Similarity);
                return new SemanticAttempt(again.Entry, recalled, null);
            }

            _index.Forget(tenant, keyHash);
        }

        var started = _time.GetTimestamp();
        var budget = Budget(request);
        var refresh = _feed.RefreshAsync(tenant, generation);
        var options = request.Settings.Options.Embeddings;
        var outcome = await _embedder.EmbedAsync(text, budget, options.MaxQueryChars, cancellationToken);
        if (!outcome.IsEmbedded)
        {
            return SemanticAttempt.None;
        }

        var contextHash = SemanticContext.FromKeyHash(CacheKeyBuilder.Compute(parts with { Body = bodyWithoutText }));
        var record = SemanticRecord.Write(contextHash, outcome.Vector.Span, text);
        if (!SemanticRecord.TryRead(record, _index.Dimensions, out _, out var vector, out _))
        {
            return SemanticAttempt.None;
        }

        var details = DetailExtractor.Extract(text);
        var pending = new SemanticPending(record, new SemanticEntry(keyHash, contextHash, generation, details, vector));

        // The feed read overlapped the embedding; wait for the rest of it only within what is left of the budget.
        await WaitWithinAsync(refresh, budget - _time.GetElapsedTime(started), cancellationToken);
        var lookup = SemanticMatcher.Find(_index, tenant, contextHash, generation, vector, details, route.Threshold, route.Guard);
        if (lookup.Match is not { } match)
        {
            _metrics.Searched(request.TenantLabel, lookup.BestSimilarity, served: false, lookup.Candidates);
            return new SemanticAttempt(null, null, pending);
        }

        var read = await _store.PeekAsync(tenant, match.EntryKey, generation, cancellationToken);
        if (read.Status != CacheLookupStatus.Hit)
        {
            if (read.Status == CacheLookupStatus.TenantMismatch)
            {
                _cacheMetrics.TenantMismatch(request.TenantLabel);
                LogTenantMismatch(_logger, tenant);
            }

            // Expired or evicted since it was indexed: forget it and go upstream.
            _index.Remove(tenant, match.EntryKey);
            _metrics.Searched(request.TenantLabel, lookup.BestSimilarity, served: false, lookup.Candidates);
            return new SemanticAttempt(null, null, pending);
        }

        _index.Remember(tenant, generation, keyHash, match);
        _metrics.Searched(request.TenantLabel, lookup.BestSimilarity, served: true, lookup.Candidates);

        // The record too: should the stage not serve the entry (an encoding this client does not accept), it goes upstream.
        return new SemanticAttempt(read.Entry, match, pending);
    }

    /// <summary>
    /// <c>Gateway:Embeddings:BudgetMs</c>, but never more than half the time left before the tier deadline, so a
    /// lookup that misses leaves the upstream call at least as much time as it took.
    /// </summary>
    private TimeSpan Budget(GatewayRequest request)
    {
        var configured = TimeSpan.FromMilliseconds(request.Settings.Options.Embeddings.BudgetMs);
        var remaining = request.Remaining(_time);
        if (remaining == Timeout.InfiniteTimeSpan)
        {
            return configured;
        }

        var half = remaining / 2;
        return half < configured ? half : configured;
    }

    private async Task WaitWithinAsync(Task task, TimeSpan limit, CancellationToken cancellationToken)
    {
        if (task.IsCompleted || limit <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await task.WaitAsync(limit, _time, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Too slow (it goes on in the background) or failed: this lookup searches what has arrived.
        }
    }

    [LoggerMessage(EventId = 645, Level = LogLevel.Warning, Message = "Semantic cache lookup for tenant {TenantId} failed; the request went upstream")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, string tenantId);

    [LoggerMessage(EventId = 646, Level = LogLevel.Error, Message = "Semantic cache match under tenant {TenantId}'s key was recorded for another tenant; treated as a miss")]
    private static partial void LogTenantMismatch(ILogger logger, string tenantId);
}
