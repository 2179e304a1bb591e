using Gateway.Transforms.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Gateway.Transforms.Redis;

/// <summary>Registration of the shared Redis connection and guard.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>Registers <see cref="RedisConnection"/> (started as a hosted service) and <see cref="RedisGuard"/>.</summary>
    public static IServiceCollection AddGatewayRedis(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<RedisConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        services.TryAddSingleton<RedisGuard>();
        services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<RedisGuard>());
        return services;
    }
}
