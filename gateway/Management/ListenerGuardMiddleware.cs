using Gateway.Transforms.Infrastructure.Problems;

namespace Gateway.Management;

/// <summary>
/// Runs after routing, before any endpoint: keeps operator endpoints on the management listener and proxy routes off
/// it, and answers every unmatched path under a reserved segment (<c>/admin</c>, <c>/metrics</c>, ...) itself with a
/// 404 or 405 problem, so it can never fall through to a catch-all proxy route and reach the upstream as the caller's
/// tenant.
/// </summary>
internal sealed class ListenerGuardMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ManagementListener _listener;
    private readonly ManagementRoutes _routes;

    /// <summary>Creates the middleware.</summary>
    public ListenerGuardMiddleware(RequestDelegate next, ManagementListener listener, ManagementRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(routes);
        _next = next;
        _listener = listener;
        _routes = routes;
    }

    /// <summary>Runs the middleware.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var servedOn = context.GetEndpoint()?.Metadata.GetMetadata<ServedOn>();
        var onManagementListener = _listener.IsSeparate && ManagementListener.Served(context);
        if (servedOn is { ManagementOnly: false })
        {
            return _next(context);
        }

        if (servedOn is { ManagementOnly: true })
        {
            return !_listener.IsSeparate || onManagementListener ? _next(context) : NotHereAsync(context);
        }

        // A proxy route, or nothing at all, was selected.
        if (_routes.IsReserved(context.Request.Path))
        {
            return _listener.IsSeparate && !onManagementListener ? NotHereAsync(context) : UnmatchedAsync(context);
        }

        return onManagementListener ? NotHereAsync(context) : _next(context);
    }

    private Task UnmatchedAsync(HttpContext context)
    {
        var allowed = _routes.AllowedMethods(context.Request.Path);
        if (allowed.Count > 0)
        {
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return ProblemWriter.WriteAsync(context, ProblemKind.MethodNotAllowed,
                $"{context.Request.Method} is not allowed here; allowed: {string.Join(", ", allowed)}.");
        }

        return ProblemWriter.WriteAsync(context, ProblemKind.NotFound, "No operator endpoint has this path; it is not forwarded to the upstream.");
    }

    private static Task NotHereAsync(HttpContext context) =>
        ProblemWriter.WriteAsync(context, ProblemKind.NotFound, "Not served on this listener.");
}
