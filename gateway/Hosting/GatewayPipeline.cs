using Gateway.Transforms.BodyLimit;
using Gateway.Transforms.Caching;
using Gateway.Transforms.Edge;
using Gateway.Transforms.Fairness;
using Gateway.Transforms.Tenancy;
using Gateway.Transforms.Throttling;
using Gateway.Transforms.Timeouts;

namespace Gateway.Hosting;

/// <summary>The request path, in order, written once: which stages run and in what sequence.</summary>
internal static class GatewayPipeline
{
    /// <summary>Registers every stage (each <c>AddX</c> also registers the shared services it uses).</summary>
    public static IServiceCollection AddGatewayStages(this IServiceCollection services) => services
        .AddGatewayEdge()
        .AddTenantResolution()
        .AddTierDeadline()
        .AddTenantThrottling()
        .AddRequestBodyLimit()
        .AddTenantCache()
        .AddFairUpstreamQueue();

    /// <summary>The proxy stages, in the order a request meets them before YARP forwards it.</summary>
    public static void UseGatewayStages(this IApplicationBuilder proxy)
    {
        proxy.UseTenantResolution();    // 401/403: verified JWT -> tenant -> tier
        proxy.UseTierDeadline();        // 504 when the tier's budget (counted from arrival) is spent; streams bounded
        proxy.UseTenantThrottling();    // 429 over the tenant's limit, shared by every node; no body read yet
        proxy.UseRequestBodyLimit();    // 413 before a byte is forwarded; bodies buffered only now, under the deadline (503 past the budget)
        proxy.UseTenantCache();         // hits answered here; misses coalesced, tee'd and stored
        proxy.UseFairUpstreamQueue();   // 503 shed; otherwise the tenant's share of the cluster's slots, charged by slot-time
    }
}
