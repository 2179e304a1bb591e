using Gateway.Config.Reload;
using Gateway.Transforms.Caching.Semantic;
using Gateway.Transforms.Caching.Stores;
using Gateway.Transforms.Caching.Stores.Embedded;
using Gateway.Transforms.Caching.Stores.Near;
using Gateway.Transforms.Caching.Stores.Redis;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.Http;
using Gateway.Transforms.Infrastructure.Redis;
using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Transforms.Caching;

/// <summary>The tenant cache: <c>services.AddTenantCache()</c> and <c>proxy.UseTenantCache()</c>, after throttling, before the fair queue.</summary>
public static class TenantCacheExtensions
{
    /// <summary>
    /// Registers the cache store (Redis when <c>Gateway:Redis:Configuration</c> is set, otherwise the embedded store),
    /// the coalescer, the semantic cache, the stage, its readiness check, route metadata validation and <see cref="TenantCacheAdmin"/>.
    /// Requires <c>IGatewaySettings</c>.
    /// </summary>
    public static IServiceCollection AddTenantCache(this IServiceCollection services) =>
        services.AddStage<TenantCacheStage>(static s =>
        {
            s.AddGatewayRedis();
            s.AddRequestBuffering();
            // With Redis, this node's near-cache sits in front of the shared store (Gateway:Cache:NearCacheBytes).
            s.AddSingleton<ITenantCacheStore>(sp => sp.GetRequiredService<RedisConnection>().IsConfigured
                ? ActivatorUtilities.CreateInstance<NearCachedStore>(sp, ActivatorUtilities.CreateInstance<RedisCacheStore>(sp))
                : ActivatorUtilities.CreateInstance<EmbeddedCacheStore>(sp));
            s.AddSingleton<CacheQuotaPolicy>();
            s.AddSingleton<IRequestPrefetch, CacheLookupPrefetch>();
            s.AddSingleton<CacheMetrics>();
            s.AddSingleton<CacheCoalescer>();
            s.AddSingleton<CacheUsageReporter>();
            s.AddSingleton(sp => new TenantCacheAdmin(
                sp.GetRequiredService<ITenantCacheStore>(), sp.GetRequiredService<CacheUsageReporter>(), sp.GetRequiredService<CacheMetrics>(),
                sp.GetRequiredService<CacheQuotaPolicy>(), sp.GetRequiredService<IGatewaySettings>()));
            s.AddSingleton<IReadinessCheck, TenantCacheReadiness>();
            s.AddSingleton<ITransformProvider, CacheRouteValidator>();
            s.AddHostedService<CacheStoreStarter>();
            s.AddSemanticCache();
        });

    /// <summary>Adds the stage: hits are answered from the tenant's namespace, misses are coalesced and stored.</summary>
    public static IApplicationBuilder UseTenantCache(this IApplicationBuilder proxy) => proxy.UseStage<TenantCacheStage>(nameof(AddTenantCache));

    /// <summary>Starts the store's background work at start-up (after the Redis connection) rather than on the first request.</summary>
    private sealed class CacheStoreStarter(ITenantCacheStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            store.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
