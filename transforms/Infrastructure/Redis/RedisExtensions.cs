using Gateway.Transforms.Infrastructure.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Transforms.Infrastructure.Redis;

/// <summary>Registration of the shared Redis connection and guard; called by the stages that use Redis.</summary>
internal static class RedisExtensions
{
    /// <summary>Registers <see cref="RedisConnection"/> (started as a hosted service), <see cref="RedisGuard"/> and its readiness check, once.</summary>
    public static IServiceCollection AddGatewayRedis(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(RedisGuard)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<RedisMetrics>();
        services.AddSingleton<RedisConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        services.AddSingleton<RedisGuard>();
        services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<RedisGuard>());
        return services;
    }
}
