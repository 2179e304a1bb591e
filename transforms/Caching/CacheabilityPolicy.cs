using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gateway.Transforms.Caching;

/// <summary>The SPEC §4 cacheability rules, as pure functions of status and headers.</summary>
internal static class CacheabilityPolicy
{
    private const string EventStream = "text/event-stream";

    // Headers worth replaying from the cache. Everything else (Set-Cookie, hop-by-hop, Date, Server,
    // gateway-owned headers, rate-limit state) describes one exchange, not the representation.
    private static readonly string[] Replayable =
    [
        HeaderNames.ContentType, HeaderNames.ContentEncoding, HeaderNames.ETag, HeaderNames.LastModified,
        HeaderNames.CacheControl, HeaderNames.Vary, HeaderNames.ContentLanguage,
    ];

    /// <summary>Headers stored with an entry and replayed on hits.</summary>
    public static IReadOnlyList<string> ReplayableHeaders => Replayable;

    /// <summary>Methods whose answers may be cached: reads and the RAG <c>POST /query</c> (the body is part of the key).</summary>
    public static bool IsCacheableMethod(string method) => HttpMethods.IsGet(method) || HttpMethods.IsPost(method);

    /// <summary>Reads the client's <c>Cache-Control</c> (and HTTP/1.0 <c>Pragma: no-cache</c>).</summary>
    public static ClientCacheDirective ReadClientDirective(IHeaderDictionary requestHeaders)
    {
        ArgumentNullException.ThrowIfNull(requestHeaders);
        var cacheControl = requestHeaders.CacheControl;
        if (!StringValues.IsNullOrEmpty(cacheControl))
        {
            if (!CacheControlHeaderValue.TryParse(cacheControl.ToString(), out var parsed))
            {
                // A directive we cannot read might have been no-store; do not guess.
                return ClientCacheDirective.NoStore;
            }

            if (parsed.NoStore)
            {
                return ClientCacheDirective.NoStore;
            }

            return parsed.NoCache || parsed.MaxAge == TimeSpan.Zero ? ClientCacheDirective.NoCache : ClientCacheDirective.None;
        }

        return HasNoCachePragma(requestHeaders) ? ClientCacheDirective.NoCache : ClientCacheDirective.None;
    }

    /// <summary>
    /// Applies the response rules: 200 only; no <c>Set-Cookie</c>; no <c>private</c>, <c>no-store</c>,
    /// <c>no-cache</c> or zero lifetime; no <c>Vary: *</c> nor a <c>Vary</c> on a header the key does not
    /// include; no event stream unless the route allows it; no declared length over the entry cap.
    /// </summary>
    /// <param name="statusCode">Response status.</param>
    /// <param name="headers">Response headers as they will be sent.</param>
    /// <param name="allowEventStream">The route's <c>CacheStreaming</c>.</param>
    /// <param name="keyedHeaders">Request headers that are part of the key (lower case).</param>
    /// <param name="maxEntryBytes">Largest body stored.</param>
    public static CacheDecision EvaluateResponse(int statusCode, IHeaderDictionary headers, bool allowEventStream, IReadOnlyCollection<string> keyedHeaders, long maxEntryBytes)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(keyedHeaders);
        if (statusCode != StatusCodes.Status200OK)
        {
            return CacheDecision.No($"status {statusCode}");
        }

        if (headers.ContainsKey(HeaderNames.SetCookie))
        {
            return CacheDecision.No("Set-Cookie");
        }

        TimeSpan? maxAge = null;
        var cacheControl = headers.CacheControl;
        if (!StringValues.IsNullOrEmpty(cacheControl))
        {
            if (!CacheControlHeaderValue.TryParse(cacheControl.ToString(), out var parsed))
            {
                return CacheDecision.No("unparseable Cache-Control");
            }

            if (parsed.Private || parsed.NoStore || parsed.NoCache)
            {
                return CacheDecision.No("Cache-Control forbids shared caching");
            }

            // A shared cache obeys s-maxage over max-age (RFC 9111 §5.2.2.10).
            maxAge = parsed.SharedMaxAge ?? parsed.MaxAge;
            if (maxAge is { } age && age <= TimeSpan.Zero)
            {
                return CacheDecision.No("zero max-age");
            }
        }
        else if (HasNoCachePragma(headers))
        {
            return CacheDecision.No("Pragma: no-cache");
        }

        if (VaryProblem(headers.Vary, keyedHeaders) is { } varyDetail)
        {
            return CacheDecision.No(varyDetail);
        }

        if (!allowEventStream && IsEventStream(headers.ContentType))
        {
            return CacheDecision.No("event stream");
        }

        if (headers.ContentLength is { } length && length > maxEntryBytes)
        {
            return new CacheDecision(false, CacheDecision.TooLarge, $"Content-Length {length} over {maxEntryBytes}", null);
        }

        return new CacheDecision(true, null, null, maxAge);
    }

    /// <summary>The entry lifetime: the tier's TTL, shortened by the upstream's lifetime when that is smaller.</summary>
    public static TimeSpan EffectiveTtl(TimeSpan tierTtl, TimeSpan? upstreamMaxAge) =>
        upstreamMaxAge is { } age && age < tierTtl ? age : tierTtl;

    /// <summary>Whether the content type is <c>text/event-stream</c>.</summary>
    public static bool IsEventStream(string? contentType) =>
        contentType is not null && contentType.AsSpan().TrimStart().StartsWith(EventStream, StringComparison.OrdinalIgnoreCase);

    private static string? VaryProblem(StringValues vary, IReadOnlyCollection<string> keyedHeaders)
    {
        foreach (var value in vary)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "*")
                {
                    return "Vary: *";
                }

                // Replaying a variant chosen by a header the key ignores would serve the wrong variant.
                if (!keyedHeaders.Contains(part.ToLowerInvariant()))
                {
                    return $"Vary on {part}, which is not a configured vary header";
                }
            }
        }

        return null;
    }

    private static bool HasNoCachePragma(IHeaderDictionary headers)
    {
        foreach (var value in headers.Pragma)
        {
            if (value is not null && value.Contains("no-cache", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
