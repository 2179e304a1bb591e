using Gateway.Transforms.Caching.Semantic;
using Gateway.Transforms.Caching.Semantic.Matching;
using Gateway.Transforms.Caching.Serialization;
using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Model;

namespace Gateway.Transforms.Caching;

/// <summary>
/// Proxy stage: the tenant-scoped response cache. On routes with <c>"Cache": "true"</c> it answers hits
/// from the tenant's namespace, coalesces identical misses, tees cacheable upstream answers into the store
/// and stamps <c>X-Cache</c>. Any store trouble means BYPASS: the request goes to the upstream as if there
/// were no cache. On routes with <c>"SemanticCache": "true"</c> an exact-key miss first asks <see cref="SemanticCache"/>
/// for a stored query of the same meaning.
/// </summary>
internal sealed partial class TenantCacheStage : IGatewayStage
{
    private readonly ITenantCacheStore _store;
    private readonly RequestBodyBuffer _bodies;
    private readonly CacheQuotaPolicy _quotas;
    private readonly CacheCoalescer _coalescer;
    private readonly CacheUsageReporter _usage;
    private readonly CacheMetrics _metrics;
    private readonly SemanticCache _semantic;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantCacheStage> _logger;

    /// <summary>Creates the stage.</summary>
    public TenantCacheStage(ITenantCacheStore store, RequestBodyBuffer bodies, CacheQuotaPolicy quotas, CacheCoalescer coalescer, CacheUsageReporter usage, CacheMetrics metrics, SemanticCache semantic, TimeProvider time, ILogger<TenantCacheStage> logger)
    {
        ArgumentNullException.ThrowIfNull(semantic);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(bodies);
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(coalescer);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _bodies = bodies;
        _quotas = quotas;
        _coalescer = coalescer;
        _usage = usage;
        _metrics = metrics;
        _semantic = semantic;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var route = CacheRouteSettings.For(context.GetReverseProxyFeature().Route.Config);
        return route.Enabled ? CacheAsync(context, next, route) : next(context);
    }

    private async Task CacheAsync(HttpContext context, RequestDelegate next, CacheRouteSettings route)
    {
        var request = context.GetGatewayRequest();
        var tenant = request.TenantId ?? throw new InvalidOperationException("The cache stage must run after tenant resolution.");
        CacheReplay.StampOnStart(context);

        var directive = CacheabilityPolicy.ReadClientDirective(context.Request.Headers);
        if (directive == ClientCacheDirective.NoStore
            || !CacheabilityPolicy.IsCacheableMethod(context.Request.Method)
            || CacheabilityPolicy.HasMethodOverride(context.Request.Headers)
            || (route.PerUser && string.IsNullOrEmpty(request.Subject)))
        {
            await BypassAsync(context, request, next);
            return;
        }

        var options = request.Settings.Options.Cache;
        var varyNames = CacheKeyBuilder.VaryNames(options);
        // A semantic route needs the body itself (the text to embed) after an exact miss; other routes hash it where it
        // lies when it has arrived whole, and read nothing more.
        var hash = route.Semantic is null ? CacheRequestBody.TryKeyOfArrivedBody(context, request, route, options.MaxRequestBodyBytes) : null;
        ReadOnlyMemory<byte> semanticBody = default;
        if (hash is null)
        {
            var (bodyStatus, body) = await CacheRequestBody.ReadAsync(context, request, _bodies, options.MaxRequestBodyBytes);
            if (bodyStatus == RequestBodyStatus.OverBudget)
            {
                request.CacheResult = CacheResult.Bypass;
                await _bodies.RefuseAsync(context, request);
                return;
            }

            if (bodyStatus == RequestBodyStatus.Unreadable)
            {
                request.CacheResult = CacheResult.Bypass;
                request.Outcome = request.ClientAborted.IsCancellationRequested ? RequestOutcome.ClientAborted : RequestOutcome.Rejected;
                await ProblemWriter.WriteAsync(context, ProblemKind.BadRequest, "The request body could not be read completely.", tenant, request.Tier!.Name);
                return;
            }

            if (bodyStatus == RequestBodyStatus.TooLarge)
            {
                await BypassAsync(context, request, next);
                return;
            }

            hash = CacheKeyBuilder.ForRequest(context, request, route, body);
            semanticBody = route.Semantic is null ? default : body;
        }

        request.CacheKeyHash = hash;

        long generation;
        SemanticPending? semantic = null;
        if (directive == ClientCacheDirective.NoCache)
        {
            if (await _store.GetGenerationAsync(tenant, context.RequestAborted) is not { } current)
            {
                await BypassAsync(context, request, next);
                return;
            }

            generation = current;
            _store.RecordLookup(tenant, hit: false);
        }
        else
        {
            // The throttling stage may have started this lookup already, together with its own Redis call.
            var lookup = context.Features.Get<PrefetchedLookup>() is { } prefetched && prefetched.KeyHash == hash
                ? await prefetched.Lookup
                : await _store.LookupAsync(tenant, hash, context.RequestAborted);

            // On a semantic route a miss is counted once the semantic lookup has answered: a match counts as a hit.
            var semanticRoute = lookup.Status == CacheLookupStatus.Miss ? route.Semantic : null;
            if (semanticRoute is null)
            {
                _store.Count(tenant, lookup);
            }

            switch (lookup.Status)
            {
                case CacheLookupStatus.Unavailable:
                    await BypassAsync(context, request, next);
                    return;
                case CacheLookupStatus.Hit when CanReplay(context, lookup.Entry!):
                    await HitAsync(context, request, lookup.Entry!);
                    return;
                case CacheLookupStatus.TenantMismatch:
                    _metrics.TenantMismatch(request.TenantLabel);
                    LogTenantMismatch(_logger, tenant);
                    break;
            }

            generation = lookup.Generation;
            if (semanticRoute is not null)
            {
                var parts = CacheKeyBuilder.PartsFor(context, request, route, semanticBody);
                var attempt = await _semantic.LookupAsync(request, semanticRoute, parts, hash, generation, context.RequestAborted);
                var similar = attempt.Entry is { } found && CanReplay(context, found) ? found : null;
                _store.RecordLookup(tenant, hit: similar is not null);
                if (similar is not null)
                {
                    await SemanticHitAsync(context, request, similar, attempt.Match!);
                    return;
                }

                semantic = attempt.Pending;
            }
        }

        Decide(request, CacheResult.Miss);
        _usage.Touch(request);

        // A client that asked for a fresh answer does not take another request's; it may lead, though.
        var flight = _coalescer.Join(tenant, generation, hash, out var isLeader);
        if (!isLeader && directive != ClientCacheDirective.NoCache)
        {
            if (await flight.WaitAsync(context.RequestAborted) is { } shared && CanReplay(context, shared))
            {
                await CacheReplay.WriteAsync(context, shared, age: null);

                // Finish now: the answer is complete even if the follower's deadline fires a moment later.
                await context.Response.CompleteAsync();
                request.ResponseCompleted = true;
                return;
            }

            // The leader's answer was not cacheable, or is encoded in a way this client did not accept: nothing safe to
            // share, go to the upstream like any miss.
            await ForwardAsync(context, next, request, route, varyNames, hash, generation, flight: null, semantic);
            return;
        }

        await ForwardAsync(context, next, request, route, varyNames, hash, generation, isLeader ? flight : null, semantic);
    }

    /// <summary>
    /// An entry whose body is encoded (<c>Content-Encoding</c>) is replayed only to a client that accepts that encoding,
    /// whatever the upstream's <c>Vary</c> said. Otherwise the request is served as a miss, and its answer replaces the entry.
    /// </summary>
    private static bool CanReplay(HttpContext context, CacheEntry entry)
    {
        StringValues encoding = default;
        foreach (var (name, value) in entry.Headers)
        {
            if (name.Equals(HeaderNames.ContentEncoding, StringComparison.OrdinalIgnoreCase))
            {
                encoding = StringValues.Concat(encoding, value);
            }
        }

        return CacheabilityPolicy.AcceptsEncoding(context.Request.Headers, encoding);
    }

    private Task BypassAsync(HttpContext context, GatewayRequest request, RequestDelegate next)
    {
        Decide(request, CacheResult.Bypass);
        return next(context);
    }

    private async Task HitAsync(HttpContext context, GatewayRequest request, CacheEntry entry)
    {
        Decide(request, CacheResult.Hit);
        request.Outcome = RequestOutcome.CacheHit;
        _usage.Touch(request);
        await CacheReplay.WriteAsync(context, entry, _time.GetUtcNow() - entry.StoredAt);
        request.ResponseCompleted = true;
    }

    private async Task SemanticHitAsync(HttpContext context, GatewayRequest request, CacheEntry entry, SemanticMatch match)
    {
        Decide(request, CacheResult.SemanticHit);
        request.Outcome = RequestOutcome.CacheHit;
        _usage.Touch(request);
        context.Response.Headers[GatewayHeaders.CacheMatch] = match.HeaderValue;
        await CacheReplay.WriteAsync(context, entry, _time.GetUtcNow() - entry.StoredAt);
        request.ResponseCompleted = true;
    }

    /// <summary>Records the lookup's result: <c>X-Cache</c>, the span tag and <c>gateway.cache.requests</c>.</summary>
    private void Decide(GatewayRequest request, CacheResult result)
    {
        request.CacheResult = result;
        _metrics.Lookup(request.TenantLabel, request.TierLabel, result);
    }

    [LoggerMessage(EventId = 620, Level = LogLevel.Error, Message = "Cache entry under tenant {TenantId}'s key was recorded for another tenant; treated as a miss")]
    private static partial void LogTenantMismatch(ILogger logger, string tenantId);
}
