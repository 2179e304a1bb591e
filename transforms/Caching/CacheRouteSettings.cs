using System.Runtime.CompilerServices;
using Gateway.Transforms.Caching.Semantic;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Transforms.Caching;

/// <summary>
/// A route's cache opt-in, read from its YARP <c>Metadata</c>: <c>"Cache": "true"</c> enables it,
/// <c>"CacheScope": "user"</c> adds the token subject to the key, <c>"CacheStreaming": "true"</c> lets
/// <c>text/event-stream</c> answers be stored, <c>"SemanticCache": "true"</c> adds semantic matching (see
/// <see cref="SemanticRouteSettings"/>).
/// </summary>
internal sealed record CacheRouteSettings(bool Enabled, bool PerUser, bool CacheStreaming, SemanticRouteSettings? Semantic = null)
{
    /// <summary>Metadata key that opts a route in.</summary>
    public const string CacheKey = "Cache";

    /// <summary>Metadata key naming the scope: <c>tenant</c> (default) or <c>user</c>.</summary>
    public const string ScopeKey = "CacheScope";

    /// <summary>Metadata key that allows event streams to be stored.</summary>
    public const string StreamingKey = "CacheStreaming";

    /// <summary>Settings of a route that does not cache.</summary>
    public static readonly CacheRouteSettings Disabled = new(false, false, false);

    // Route configs are immutable and replaced wholesale on reload, so parsing once per config object is exact.
    private static readonly ConditionalWeakTable<RouteConfig, CacheRouteSettings> Parsed = new();

    /// <summary>The settings of <paramref name="route"/>, parsed once per route configuration.</summary>
    public static CacheRouteSettings For(RouteConfig route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route.Metadata is null ? Disabled : Parsed.GetValue(route, static r => Parse(r.Metadata));
    }

    /// <summary>Parses metadata; anything but an explicit <c>true</c> leaves the route uncached.</summary>
    public static CacheRouteSettings Parse(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !IsTrue(metadata, CacheKey))
        {
            return Disabled;
        }

        // An unrecognised scope is read as the narrower "user": a typo must never widen sharing.
        var perUser = metadata.TryGetValue(ScopeKey, out var scope)
            && !string.Equals(scope?.Trim(), "tenant", StringComparison.OrdinalIgnoreCase);
        return new CacheRouteSettings(true, perUser, IsTrue(metadata, StreamingKey), SemanticRouteSettings.Parse(metadata));
    }

    /// <summary>Problems in a route's cache metadata, for start-up validation.</summary>
    public static IEnumerable<string> Validate(string routeId, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            yield break;
        }

        foreach (var key in new[] { CacheKey, StreamingKey })
        {
            if (metadata.TryGetValue(key, out var value) && !bool.TryParse(value, out _))
            {
                yield return $"Route '{routeId}': Metadata:{key} must be 'true' or 'false' (got '{value}').";
            }
        }

        if (metadata.TryGetValue(ScopeKey, out var scope)
            && !string.Equals(scope, "tenant", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(scope, "user", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"Route '{routeId}': Metadata:{ScopeKey} must be 'tenant' or 'user' (got '{scope}').";
        }

        foreach (var error in SemanticRouteSettings.Validate(routeId, metadata, IsTrue(metadata, CacheKey)))
        {
            yield return error;
        }
    }

    private static bool IsTrue(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) && bool.TryParse(value, out var on) && on;
}
