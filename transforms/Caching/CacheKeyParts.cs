using Microsoft.Extensions.Primitives;

namespace Gateway.Transforms.Caching;

/// <summary>The request facts a cache key is made of.</summary>
/// <param name="RouteId">YARP route id.</param>
/// <param name="Method">HTTP method (compared upper-case).</param>
/// <param name="Path">Path base and path, as ASP.NET Core decoded them.</param>
/// <param name="Query">Decoded query pairs; their order does not matter.</param>
/// <param name="Body">The complete request body.</param>
/// <param name="VaryHeaders">Configured vary headers with the request's values, names lower-case.</param>
/// <param name="Subject">Token subject for <c>"CacheScope": "user"</c> routes; null for tenant scope.</param>
internal sealed record CacheKeyParts(
    string RouteId,
    string Method,
    string Path,
    IEnumerable<KeyValuePair<string, StringValues>> Query,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, StringValues>> VaryHeaders,
    string? Subject);
