using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Transforms.Tenancy;

/// <summary>
/// Adds the verified tenant and tier to every upstream request, and drops gateway-owned headers an
/// upstream might send back so only the gateway sets them.
/// </summary>
internal sealed class TenantHeadersTransformProvider : ITransformProvider
{
    /// <inheritdoc />
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    /// <inheritdoc />
    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    /// <inheritdoc />
    public void Apply(TransformBuilderContext context)
    {
        context.AddRequestTransform(static transform =>
        {
            var request = transform.HttpContext.GetGatewayRequest();
            var headers = transform.ProxyRequest.Headers;
            headers.Remove(GatewayHeaders.TenantId);
            headers.Remove(GatewayHeaders.TenantTier);
            if (request.TenantId is not null)
            {
                headers.TryAddWithoutValidation(GatewayHeaders.TenantId, request.TenantId);
                headers.TryAddWithoutValidation(GatewayHeaders.TenantTier, request.TierLabel);
            }

            return ValueTask.CompletedTask;
        });

        context.AddResponseHeaderRemove(GatewayHeaders.Cache, ResponseCondition.Always);
        context.AddResponseHeaderRemove(GatewayHeaders.CacheMatch, ResponseCondition.Always);
    }
}
