using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Infrastructure.Context;

/// <summary>Access to <see cref="GatewayRequest"/> from an <see cref="HttpContext"/>.</summary>
internal static class GatewayRequestExtensions
{
    /// <summary>The request's gateway state; throws when the edge middleware did not run.</summary>
    public static GatewayRequest GetGatewayRequest(this HttpContext context) =>
        context.Features.Get<GatewayRequest>()
        ?? throw new InvalidOperationException("The gateway edge middleware must run before the proxy stages (call app.UseGatewayEdge()).");
}
