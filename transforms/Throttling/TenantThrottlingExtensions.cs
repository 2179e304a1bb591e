using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.Redis;
using Gateway.Transforms.Infrastructure.Registration;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Transforms.Throttling;

/// <summary>Per-tenant throttling: <c>services.AddTenantThrottling()</c> and <c>proxy.UseTenantThrottling()</c>, after the deadline.</summary>
public static class TenantThrottlingExtensions
{
    /// <summary>
    /// Registers the limiters (shared through Redis, local as fallback), hot-tenant detection, the once-a-second monitor
    /// and the admin details, with the shared Redis guard and tenant-limit policy they use. Requires <c>IGatewaySettings</c>.
    /// </summary>
    public static IServiceCollection AddTenantThrottling(this IServiceCollection services)
    {
        if (!services.TryAddStage<TenantThrottlingStage>())
        {
            // Registered already: a second hosted monitor or admin contributor would run twice.
            return services;
        }

        services.AddGatewayRedis();
        services.AddTenantLimits();
        services.AddSingleton<ThrottlingMetrics>();
        services.AddSingleton<SharedRateLimiter>();
        services.AddSingleton<LocalRateLimiters>();
        services.AddSingleton<TenantRateLimiter>();
        services.AddSingleton<HotTenantDetector>();
        services.AddSingleton<TenantThrottlingStage>();
        services.AddSingleton<ThrottlingMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ThrottlingMonitor>());
        services.AddSingleton<ITenantAdminDetails, ThrottlingAdminDetails>();
        return services;
    }

    /// <summary>Adds the stage: a refused request costs no cache lookup and no upstream call.</summary>
    public static IApplicationBuilder UseTenantThrottling(this IApplicationBuilder proxy) =>
        proxy.Use(proxy.GetStage<TenantThrottlingStage>(nameof(AddTenantThrottling)).InvokeAsync);
}
