using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Transforms.Caching;

/// <summary>
/// Rejects malformed cache metadata when YARP loads routes, so a typo fails at start-up (and a bad reload
/// keeps the last good routes) instead of silently disabling or widening a route's cache.
/// </summary>
internal sealed class CacheRouteValidator : ITransformProvider
{
    /// <inheritdoc />
    public void ValidateRoute(TransformRouteValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var error in CacheRouteSettings.Validate(context.Route.RouteId, context.Route.Metadata))
        {
            context.Errors.Add(new InvalidOperationException(error));
        }
    }

    /// <inheritdoc />
    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    /// <inheritdoc />
    public void Apply(TransformBuilderContext context)
    {
    }
}
