using Gateway.Transforms.Infrastructure.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gateway.Transforms.Caching;

/// <summary>The SPEC §4 cacheability rules (and RFC 9111 where it applies), as pure functions of status and headers.</summary>
internal static class CacheabilityPolicy
{
    // Headers worth replaying from the cache. Everything else (Set-Cookie, hop-by-hop, Date, Server,
    // gateway-owned headers, rate-limit state) describes one exchange, not the representation.
    private static readonly string[] Replayable =
    [
        HeaderNames.ContentType, HeaderNames.ContentEncoding, HeaderNames.ETag, HeaderNames.LastModified,
        HeaderNames.CacheControl, HeaderNames.Vary, HeaderNames.ContentLanguage,
    ];

    /// <summary>Headers stored with an entry and replayed on hits.</summary>
    public static IReadOnlyList<string> ReplayableHeaders => Replayable;

    // Headers by which frameworks let a POST act as another method (PUT, DELETE, PATCH...). The key cannot know which
    // method the upstream will run, so such a request is never answered from, nor stored in, the cache.
    private static readonly string[] MethodOverrideHeaders = ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

    /// <summary>Methods whose answers may be cached: reads and the RAG <c>POST /query</c> (the body is part of the key).</summary>
    public static bool IsCacheableMethod(string method) => HttpMethods.IsGet(method) || HttpMethods.IsPost(method);

    /// <summary>Whether the request carries a method-override header (<c>X-HTTP-Method-Override</c> and its variants).</summary>
    public static bool HasMethodOverride(IHeaderDictionary requestHeaders)
    {
        ArgumentNullException.ThrowIfNull(requestHeaders);
        foreach (var name in MethodOverrideHeaders)
        {
            if (requestHeaders.ContainsKey(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a stored answer with <paramref name="contentEncoding"/> may be replayed to a request with
    /// <paramref name="requestHeaders"/>: identity always; an encoded body only when every coding it carries is listed in
    /// the request's <c>Accept-Encoding</c> with a non-zero quality (or covered by <c>*</c>). A request without
    /// <c>Accept-Encoding</c> gets no encoded body: a client that never asked for gzip may not be able to read it.
    /// </summary>
    public static bool AcceptsEncoding(IHeaderDictionary requestHeaders, StringValues contentEncoding)
    {
        ArgumentNullException.ThrowIfNull(requestHeaders);
        List<string>? codings = null;
        foreach (var value in contentEncoding)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    (codings ??= []).Add(coding);
                }
            }
        }

        if (codings is null)
        {
            return true;
        }

        var accept = requestHeaders.AcceptEncoding;
        if (StringValues.IsNullOrEmpty(accept) || !StringWithQualityHeaderValue.TryParseList(accept, out var accepted))
        {
            return false;
        }

        return codings.TrueForAll(coding => Quality(accepted, coding) > 0);
    }

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
    /// Applies the response rules: 200 only; no <c>Set-Cookie</c>; no <c>no-store</c>, <c>no-cache</c> or zero
    /// lifetime; <c>private</c> only when the key is the user's own; an <c>Expires</c> (when there is no
    /// <c>max-age</c>) that is valid and in the future; no <c>Vary: *</c> nor a <c>Vary</c> on a header the key does
    /// not include; no event stream unless the route allows it; no declared length over the entry cap.
    /// </summary>
    /// <param name="statusCode">Response status.</param>
    /// <param name="headers">Response headers as they will be sent.</param>
    /// <param name="allowEventStream">The route's <c>CacheStreaming</c>.</param>
    /// <param name="userScoped">The key includes the token's subject (<c>CacheScope: user</c>), so the entry is one user's.</param>
    /// <param name="keyedHeaders">Request headers that are part of the key (lower case).</param>
    /// <param name="maxEntryBytes">Largest body stored.</param>
    /// <param name="now">The gateway's clock, for <c>Expires</c> when the response has no valid <c>Date</c>.</param>
    public static CacheDecision EvaluateResponse(
        int statusCode,
        IHeaderDictionary headers,
        bool allowEventStream,
        bool userScoped,
        IReadOnlyCollection<string> keyedHeaders,
        long maxEntryBytes,
        DateTimeOffset now)
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

            if (parsed.NoStore || parsed.NoCache)
            {
                return CacheDecision.No("Cache-Control forbids caching");
            }

            // "private": the answer is for this user only. Stored only under a key that includes the subject; with the
            // tenant scope every user of the tenant would be served it.
            if (parsed.Private && !userScoped)
            {
                return CacheDecision.No("Cache-Control: private on a route whose cache is shared by the tenant's users");
            }

            // A shared cache obeys s-maxage over max-age (RFC 9111 §5.2.2.10); a private answer has only max-age.
            maxAge = parsed.Private ? parsed.MaxAge : parsed.SharedMaxAge ?? parsed.MaxAge;
            if (maxAge is { } age && age <= TimeSpan.Zero)
            {
                return CacheDecision.No("zero max-age");
            }
        }
        else if (HasNoCachePragma(headers))
        {
            return CacheDecision.No("Pragma: no-cache");
        }

        if (maxAge is null && headers.ContainsKey(HeaderNames.Expires))
        {
            // RFC 9111 §5.3: without max-age, Expires gives the lifetime, counted from the response's Date; an invalid
            // Expires means "already expired".
            if (ExpiresLifetime(headers, now) is not { } lifetime)
            {
                return CacheDecision.No("Expires is invalid or not in the future");
            }

            maxAge = lifetime;
        }

        if (VaryProblem(headers.Vary, keyedHeaders) is { } varyDetail)
        {
            return CacheDecision.No(varyDetail);
        }

        if (!allowEventStream && EventStreams.Is(headers.ContentType))
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

    /// <summary><c>Expires − Date</c> (or − <paramref name="now"/> without a valid <c>Date</c>); null when invalid or not positive.</summary>
    private static TimeSpan? ExpiresLifetime(IHeaderDictionary headers, DateTimeOffset now)
    {
        var expires = headers.Expires;
        if (expires.Count != 1 || !HeaderUtilities.TryParseDate(expires.ToString(), out var at))
        {
            return null;
        }

        var date = headers.Date;
        var origin = date.Count == 1 && HeaderUtilities.TryParseDate(date.ToString(), out var sent) ? sent : now;
        var lifetime = at - origin;
        return lifetime > TimeSpan.Zero ? lifetime : null;
    }

    private static double Quality(IList<StringWithQualityHeaderValue> accepted, string coding)
    {
        double? wildcard = null;
        foreach (var item in accepted)
        {
            var name = item.Value.Value;
            if (string.Equals(name, coding, StringComparison.OrdinalIgnoreCase))
            {
                return item.Quality ?? 1;
            }

            if (name == "*")
            {
                wildcard = item.Quality ?? 1;
            }
        }

        return wildcard ?? 0;
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
