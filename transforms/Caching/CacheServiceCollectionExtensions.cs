using Gateway.Transforms.Pipeline;
using Gateway.Transforms.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Transforms.Caching;

/// <summary>Registration of the tenant cache: <c>services.AddTenantCache()</c> and <c>proxy.UseTenantCache()</c>.</summary>
public static class CacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers the cache store (Redis when <c>Gateway:Redis:Configuration</c> is set, otherwise the embedded
    /// store), the coalescer, the stage, its readiness check and route metadata validation.
    /// Call after <c>AddGatewayStages()</c> and <c>AddGatewayRedis()</c>.
    /// </summary>
    public static IServiceCollection AddTenantCache(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ITenantCacheStore>(sp => sp.GetRequiredService<RedisConnection>().IsConfigured
            ? ActivatorUtilities.CreateInstance<RedisCacheStore>(sp)
            : ActivatorUtilities.CreateInstance<EmbeddedCacheStore>(sp));
        services.TryAddSingleton<CacheCoalescer>();
        services.TryAddSingleton<CacheUsageReporter>();
        services.TryAddSingleton<TenantCacheStage>();
        services.AddSingleton<IReadinessCheck, TenantCacheReadiness>();
        services.AddSingleton<ITransformProvider, CacheRouteValidator>();
        services.AddHostedService<CacheSubscriptionStarter>();
        return services;
    }

    /// <summary>Adds the cache stage to the proxy pipeline (after throttling, before the fair upstream queue).</summary>
    public static IApplicationBuilder UseTenantCache(this IApplicationBuilder proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var stage = proxy.ApplicationServices.GetService<TenantCacheStage>()
            ?? throw new InvalidOperationException("Call services.AddTenantCache() before proxy.UseTenantCache().");
        proxy.Use(stage.InvokeAsync);
        return proxy;
    }

    /// <summary>Subscribes to invalidation announcements at start-up rather than on the first request.</summary>
    private sealed class CacheSubscriptionStarter(ITenantCacheStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            (store as RedisCacheStore)?.EnsureSubscribed();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
