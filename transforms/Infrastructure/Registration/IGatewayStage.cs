using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Infrastructure.Registration;

/// <summary>
/// A request-path stage in YARP's proxy pipeline: a singleton that runs once per proxied request and either answers
/// itself or calls <c>next</c>. Stateless per request; per-request state lives on <c>GatewayRequest</c>.
/// </summary>
internal interface IGatewayStage
{
    /// <summary>Runs the stage. A stage with nothing to do returns <c>next(context)</c> without an async state machine.</summary>
    Task InvokeAsync(HttpContext context, RequestDelegate next);
}
