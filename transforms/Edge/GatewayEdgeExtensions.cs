using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Audit;
using Gateway.Transforms.Infrastructure.Registration;
using Gateway.Transforms.Infrastructure.Traffic;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Transforms.Edge;

/// <summary>The edge: <c>services.AddGatewayEdge()</c> and <c>app.UseGatewayEdge()</c>, first in the application pipeline.</summary>
public static class GatewayEdgeExtensions
{
    /// <summary>
    /// Registers the edge's metrics, the per-tenant traffic windows it feeds (<see cref="TenantTraffic"/>) and the audit
    /// trail it writes audited cache lookups to (<see cref="AuditTrail"/>). Requires <c>IGatewaySettings</c>.
    /// </summary>
    public static IServiceCollection AddGatewayEdge(this IServiceCollection services)
    {
        if (services.TryAddStage<GatewayEdgeMiddleware>())
        {
            services.TryAddSingleton<EdgeMetrics>();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton(sp => new TenantTraffic(sp.GetRequiredService<IGatewaySettings>(), sp.GetRequiredService<TimeProvider>()));
            services.AddGatewayAudit();
        }

        return services;
    }

    /// <summary>Adds the edge middleware; call it first, before routing, so every later stage finds the request's state.</summary>
    public static IApplicationBuilder UseGatewayEdge(this IApplicationBuilder app)
    {
        app.EnsureAdded<GatewayEdgeMiddleware>(nameof(AddGatewayEdge));
        return app.UseMiddleware<GatewayEdgeMiddleware>();
    }
}
