using System.Collections.Frozen;
using Gateway.Transforms.Infrastructure.Problems;

namespace Gateway.OperatorConsole;

/// <summary>
/// The operator console at <c>/ui/</c>: three static files embedded in the gateway assembly (no CDN, no build step), served
/// with a strict Content-Security-Policy (scripts and styles from the gateway only, nothing inline, no framing). The page
/// itself holds no data: it calls the admin API with the admin token pasted into it, kept in the tab's session storage.
/// </summary>
internal static class ConsoleEndpoints
{
    /// <summary>Route of the console.</summary>
    public const string Route = "/ui";

    /// <summary>The policy every console response carries.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>Maps <c>/ui</c> (redirects to <c>/ui/</c>), <c>/ui/</c> and its assets on <paramref name="management"/>.</summary>
    public static void MapConsole(this IEndpointRouteBuilder management)
    {
        management.MapGet(Route, ServeIndex).ExcludeFromDescription();
        management.MapGet(Route + "/{asset}", ServeAsset).ExcludeFromDescription();
    }

    private static Task ServeIndex(HttpContext context)
    {
        if (!context.Request.Path.Value!.EndsWith('/'))
        {
            // The page's relative links (console.js, ../admin/...) need the trailing slash.
            context.Response.Redirect($"{context.Request.PathBase}{Route}/");
            return Task.CompletedTask;
        }

        return WriteAsync(context, Assets["index.html"]);
    }

    private static Task ServeAsset(HttpContext context, string asset) =>
        Assets.TryGetValue(asset, out var found)
            ? WriteAsync(context, found)
            : ProblemWriter.WriteAsync(context, ProblemKind.NotFound, "The console has no such file.");

    private static Task WriteAsync(HttpContext context, Asset asset)
    {
        var response = context.Response;
        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return response.Body.WriteAsync(asset.Content).AsTask();
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var (name, contentType) in new[]
                 {
                     ("index.html", "text/html; charset=utf-8"),
                     ("console.css", "text/css; charset=utf-8"),
                     ("console.js", "text/javascript; charset=utf-8"),
                 })
        {
            using var stream = assembly.GetManifestResourceStream("console/" + name)
                ?? throw new InvalidOperationException($"The console asset {name} is not embedded in {assembly.GetName().Name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            assets[name] = new Asset(copy.ToArray(), contentType);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Content, string ContentType);
}
