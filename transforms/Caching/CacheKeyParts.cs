using Microsoft.Extensions.Primitives;

namespace Gateway.Transforms.Caching;

/// <summary>The request facts a cache key is made of. Each is its own field so a variant key (one part left out) stays easy to build.</summary>
/// <param name="RouteId">YARP route id.</param>
/// <param name="Method">HTTP method (compared upper-case).</param>
/// <param name="Host">The request's <c>Host</c> (lower-cased by the builder): the upstream sees it as <c>X-Forwarded-Host</c> and may build links from it.</param>
/// <param name="Path">Path base and path, as ASP.NET Core decoded them (YARP forwards that same path).</param>
/// <param name="Query">The query string exactly as sent, with its leading <c>?</c> or empty: no reordering, no decoding, no case folding.</param>
/// <param name="ContentType">The request's <c>Content-Type</c> as sent; null when absent.</param>
/// <param name="Body">The complete request body.</param>
/// <param name="VaryHeaders">Configured vary headers with the request's values, names lower-case.</param>
/// <param name="Subject">Token subject for <c>"CacheScope": "user"</c> routes; null for tenant scope.</param>
internal readonly record struct CacheKeyParts(
    string RouteId,
    string Method,
    string Host,
    string Path,
    string Query,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, StringValues>> VaryHeaders,
    string? Subject);
