using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>Registration of the tenant-limit policy and the auto-throttle, shared by the throttling stage and the fair queue.</summary>
internal static class TenantLimitsExtensions
{
    /// <summary>Registers <see cref="AutoThrottleController"/> (also as <see cref="IAutoThrottle"/>) and <see cref="TenantLimitPolicy"/>.</summary>
    public static IServiceCollection AddTenantLimits(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AutoThrottleController>();
        services.TryAddSingleton<IAutoThrottle>(sp => sp.GetRequiredService<AutoThrottleController>());
        services.TryAddSingleton<TenantLimitPolicy>();
        return services;
    }
}
