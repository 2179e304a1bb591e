using System.Diagnostics.Metrics;
using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>Registration of the tenant-limit policy, the auto-throttle and burst grants, shared by the throttling stage and the fair queue.</summary>
internal static class TenantLimitsExtensions
{
    /// <summary>
    /// Registers <see cref="AutoThrottleController"/> (also as <see cref="IAutoThrottle"/>), <see cref="BurstGrants"/> (with
    /// the Redis connection it shares grants through) and <see cref="TenantLimitPolicy"/>.
    /// </summary>
    public static IServiceCollection AddTenantLimits(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddGatewayRedis();
        services.TryAddSingleton(sp => new BurstGrants(
            sp.GetRequiredService<RedisGuard>(), sp.GetRequiredService<IGatewaySettings>(), sp.GetRequiredService<IMeterFactory>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BurstGrants>>()));
        services.TryAddSingleton<AutoThrottleController>();
        services.TryAddSingleton<IAutoThrottle>(sp => sp.GetRequiredService<AutoThrottleController>());
        services.TryAddSingleton<TenantLimitPolicy>();
        return services;
    }
}
