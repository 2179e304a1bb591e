using Gateway.Transforms.Infrastructure.Context;
using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Infrastructure.Contracts;

/// <summary>
/// Redis work a later stage will need for this request, started by an earlier stage while that stage itself waits on
/// Redis (the throttling stage, when an admission needs a round trip), so the two calls go out together instead of
/// one after the other. An implementation only starts work and keeps it for its own stage on the request's features;
/// it never answers the request, and a request refused meanwhile simply leaves it unused.
/// </summary>
internal interface IRequestPrefetch
{
    /// <summary>Starts the work when it applies to this request; returns at once.</summary>
    void Start(HttpContext context, GatewayRequest request);
}
