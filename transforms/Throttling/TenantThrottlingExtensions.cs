using Gateway.Config.Reload;
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
    /// Registers the stage, the limiters (shared through Redis, local as fallback), hot-tenant detection, the
    /// once-a-second monitor, the admin details and the admin write limiter (<see cref="TenantAdminLimiter"/>), with the
    /// Redis guard and tenant-limit policy they use.
    /// Requires <c>IGatewaySettings</c>.
    /// </summary>
    public static IServiceCollection AddTenantThrottling(this IServiceCollection services) =>
        services.AddStage<TenantThrottlingStage>(static s =>
        {
            s.AddGatewayRedis();
            s.AddTenantLimits();
            s.AddSingleton<ThrottlingMetrics>();
            s.AddSingleton<SharedRateLimiter>();
            s.AddSingleton<ISharedLimiter>(sp => sp.GetRequiredService<SharedRateLimiter>());
            s.AddSingleton<LocalRateLimiters>();
            s.AddSingleton<TenantRateLimiter>();
            s.AddSingleton<HotTenantDetector>();
            s.AddSingleton<ThrottlingMonitor>();
            s.AddHostedService(sp => sp.GetRequiredService<ThrottlingMonitor>());
            s.AddSingleton<ITenantThrottleView, ThrottlingAdminDetails>();
            s.AddSingleton(sp => new TenantAdminLimiter(sp.GetRequiredService<SharedRateLimiter>(), sp.GetRequiredService<IGatewaySettings>()));
        });

    /// <summary>Adds the stage: a refused request costs no cache lookup and no upstream call.</summary>
    public static IApplicationBuilder UseTenantThrottling(this IApplicationBuilder proxy) => proxy.UseStage<TenantThrottlingStage>(nameof(AddTenantThrottling));
}
