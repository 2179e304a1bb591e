using Gateway.Config.Reload;
using Gateway.Transforms.Diagnostics;
using Gateway.Transforms.Limits;
using Gateway.Transforms.Tenancy;
using Gateway.Transforms.Timeouts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Transforms.Pipeline;

/// <summary>Registration of the request-path stages.</summary>
public static class GatewayPipelineExtensions
{
    /// <summary>Registers the stages and the services they share. Requires <see cref="IGatewaySettings"/>.</summary>
    public static IServiceCollection AddGatewayStages(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<TenantTokenValidator>();
        services.TryAddSingleton<TenantResolutionStage>();
        services.TryAddSingleton<RequestBodyLimitStage>();
        services.TryAddSingleton<TierDeadlineStage>();
        services.TryAddSingleton<GatewayStagesMarker>();
        return services;
    }

    /// <summary>Adds the edge middleware; call it first, before routing.</summary>
    public static IApplicationBuilder UseGatewayEdge(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        EnsureAdded(app.ApplicationServices);
        return app.UseMiddleware<GatewayEdgeMiddleware>();
    }

    /// <summary>
    /// Adds the request-path stages to YARP's proxy pipeline in order: tenant, body limit, deadline,
    /// then the stages added by <paramref name="configure"/> (throttling, cache, fairness).
    /// </summary>
    public static IApplicationBuilder UseGatewayStages(this IApplicationBuilder proxy, Action<IApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var services = proxy.ApplicationServices;
        EnsureAdded(services);
        var tenant = services.GetRequiredService<TenantResolutionStage>();
        var limit = services.GetRequiredService<RequestBodyLimitStage>();
        var deadline = services.GetRequiredService<TierDeadlineStage>();
        proxy.Use(tenant.InvokeAsync);
        proxy.Use(limit.InvokeAsync);
        proxy.Use(deadline.InvokeAsync);
        configure?.Invoke(proxy);
        return proxy;
    }

    private static void EnsureAdded(IServiceProvider services)
    {
        if (services.GetService<GatewayStagesMarker>() is null)
        {
            throw new InvalidOperationException("Call services.AddGatewayStages() before using the gateway middleware.");
        }
    }

    private sealed class GatewayStagesMarker;
}
