using Gateway.Transforms.Pipeline;
using Gateway.Transforms.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Transforms.Throttling;

/// <summary>Registration of per-tenant throttling: <c>services.AddTenantThrottling()</c> and <c>proxy.UseTenantThrottling()</c>.</summary>
public static class ThrottlingServiceCollectionExtensions
{
    /// <summary>Registers the limiters, hot-tenant detection, auto-throttle and the admin details. Requires <c>AddGatewayRedis()</c>.</summary>
    public static IServiceCollection AddTenantThrottling(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ThrottlingMarker)))
        {
            // Registered already: a second hosted monitor or admin contributor would run twice.
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SharedRateLimiter>();
        services.TryAddSingleton<LocalRateLimiters>();
        services.TryAddSingleton<TenantRateLimiter>();
        services.TryAddSingleton<HotTenantDetector>();
        services.TryAddSingleton<AutoThrottleController>();
        services.TryAddSingleton<TenantThrottlingStage>();
        services.TryAddSingleton<ThrottlingMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ThrottlingMonitor>());
        services.AddSingleton<ITenantAdminDetails, ThrottlingAdminDetails>();
        services.TryAddSingleton<ThrottlingMarker>();
        return services;
    }

    /// <summary>Adds the throttling stage to the proxy pipeline (inside <c>UseGatewayStages</c>, before the cache).</summary>
    public static IApplicationBuilder UseTenantThrottling(this IApplicationBuilder proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var services = proxy.ApplicationServices;
        if (services.GetService<ThrottlingMarker>() is null)
        {
            throw new InvalidOperationException("Call services.AddTenantThrottling() before proxy.UseTenantThrottling().");
        }

        if (services.GetService<RedisGuard>() is null)
        {
            throw new InvalidOperationException("Throttling needs the shared Redis guard: call services.AddGatewayRedis().");
        }

        proxy.Use(services.GetRequiredService<TenantThrottlingStage>().InvokeAsync);
        return proxy;
    }

    private sealed class ThrottlingMarker;
}
