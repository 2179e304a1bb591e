using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Model;

namespace Gateway.Transforms.Caching;

/// <summary>
/// Starts the cache lookup of a request while the throttling stage waits for its admission from Redis, so the GET
/// travels with the limiter's script call. It applies only when the lookup is certain to be made and its key can be
/// computed without waiting: a caching route, a cacheable method without a method override, no client <c>no-store</c>/<c>no-cache</c>, and a body
/// with a declared length that has arrived whole (it is hashed where it lies, not consumed). The cache stage uses the
/// started lookup when its own key is the same (<see cref="PrefetchedLookup"/>) and counts it only then, so a request
/// refused meanwhile costs one GET at most and no hit or miss.
/// </summary>
internal sealed class CacheLookupPrefetch : IRequestPrefetch
{
    private readonly ITenantCacheStore _store;

    /// <summary>Creates the prefetch over the store.</summary>
    public CacheLookupPrefetch(ITenantCacheStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc />
    public void Start(HttpContext context, GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        if (!_store.IsShared || request.TenantId is not { } tenant)
        {
            return;
        }

        var http = context.Request;
        var route = CacheRouteSettings.For(context.GetReverseProxyFeature().Route.Config);
        if (!route.Enabled
            || !CacheabilityPolicy.IsCacheableMethod(http.Method)
            || CacheabilityPolicy.HasMethodOverride(http.Headers)
            || CacheabilityPolicy.ReadClientDirective(http.Headers) != ClientCacheDirective.None
            || (route.PerUser && string.IsNullOrEmpty(request.Subject))
            || http.Headers.ContainsKey(HeaderNames.Expect))
        {
            return;
        }

        if (CacheRequestBody.TryKeyOfArrivedBody(context, request, route, request.Settings.Options.Cache.MaxRequestBodyBytes) is { } hash)
        {
            var lookup = _store.LookupAsync(tenant, hash, context.RequestAborted).AsTask();
            context.Features.Set(new PrefetchedLookup(hash, lookup));
        }
    }
}
