using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;

namespace Gateway.Management;

/// <summary>
/// What the mapped operator endpoints cover: the first path segments they reserve (<c>admin</c>, <c>metrics</c>, ...)
/// and, for a path, the methods some operator endpoint would accept. Read once from the endpoint data source: operator
/// endpoints are mapped at start-up and never change.
/// </summary>
internal sealed class ManagementRoutes
{
    private readonly Lazy<Snapshot> _snapshot;

    /// <summary>Creates the view over <paramref name="endpoints"/>.</summary>
    public ManagementRoutes(EndpointDataSource endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _snapshot = new Lazy<Snapshot>(() => Read(endpoints), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Whether <paramref name="path"/> falls under a reserved segment, compared the way a lenient upstream might read it:
    /// case-insensitive, with encoded slashes and backslashes as slashes, repeated slashes collapsed and <c>;</c> path
    /// parameters dropped. So <c>/ADMIN/x</c>, <c>//admin/x</c>, <c>/admin%2Fx</c> and <c>/admin;a=b/x</c> are all reserved.
    /// </summary>
    public bool IsReserved(PathString path)
    {
        ReadOnlySpan<char> value = path.Value;
        if (value.IndexOfAny('%', '\\') >= 0)
        {
            // Rare: only paths with escapes or backslashes pay for a normalised copy.
            value = value.ToString().Replace("%2f", "/", StringComparison.OrdinalIgnoreCase)
                .Replace("%5c", "/", StringComparison.OrdinalIgnoreCase)
                .Replace('\\', '/');
        }

        value = value.TrimStart('/');
        var end = value.IndexOfAny('/', ';');
        var first = end < 0 ? value : value[..end];
        return first.Length > 0 && _snapshot.Value.Segments.Contains(first);
    }

    /// <summary>The methods of the operator endpoints whose route matches <paramref name="path"/>; empty when none does.</summary>
    public IReadOnlyList<string> AllowedMethods(PathString path)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (matcher, allowed) in _snapshot.Value.Routes)
        {
            if (matcher.TryMatch(path, new RouteValueDictionary()))
            {
                methods.UnionWith(allowed);
            }
        }

        return [.. methods];
    }

    private static Snapshot Read(EndpointDataSource endpoints)
    {
        var segments = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var routes = new List<(TemplateMatcher, IReadOnlyList<string>)>();
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<ServedOn>() is not { ManagementOnly: true })
            {
                continue;
            }

            var pattern = endpoint.RoutePattern;
            if (pattern.PathSegments.Count > 0 && pattern.PathSegments[0].Parts is [RoutePatternLiteralPart literal])
            {
                segments.Add(literal.Content);
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            routes.Add((new TemplateMatcher(new RouteTemplate(pattern), new RouteValueDictionary()), methods));
        }

        return new Snapshot(segments.GetAlternateLookup<ReadOnlySpan<char>>(), routes);
    }

    private sealed record Snapshot(
        HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Segments,
        List<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)> Routes);
}
