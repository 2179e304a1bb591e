using Gateway.Config.Reload;
using Gateway.Transforms.Caching.Semantic.Embeddings;
using Gateway.Transforms.Caching.Semantic.Index;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Transforms.Caching.Semantic;

/// <summary>The semantic cache's services, part of <c>AddTenantCache()</c>.</summary>
internal static class SemanticCacheRegistration
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client of the HTTP embedding provider.</summary>
    public const string HttpClientName = "semantic-embeddings";

    /// <summary>
    /// Registers the provider (chosen from <c>Gateway:Embeddings</c> at start-up), the budgeted embedder, the per-tenant
    /// index and its feed reader, metrics, the step itself, and the start-up warm-up of the embedded model.
    /// </summary>
    public static IServiceCollection AddSemanticCache(this IServiceCollection services)
    {
        services.AddHttpClient(HttpClientName);
        services.AddSingleton(sp => SemanticEmbeddings.Create(
            Options(sp),
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<ILogger<SemanticEmbeddings>>()));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<BudgetedEmbedder>(sp, Options(sp)));
        services.AddSingleton(sp =>
        {
            var options = Options(sp);
            return new TenantVectorIndex(sp.GetRequiredService<SemanticEmbeddings>().Dimensions, options.MaxVectorsPerTenant, options.MaxIndexBytesPerTenant);
        });
        services.AddSingleton<SemanticFeedReader>();
        services.AddSingleton<SemanticMetrics>();
        services.AddSingleton<SemanticCache>();
        services.AddHostedService<SemanticWarmUp>();
        return services;
    }

    private static Config.Options.EmbeddingsOptions Options(IServiceProvider services) =>
        services.GetRequiredService<IGatewaySettings>().Current.Options.Embeddings;

    /// <summary>
    /// Starts loading the embedding provider in the background at start-up when a route has the semantic cache on, so
    /// the first requests do not pay for it; a route that turns it on later starts the load with its first lookup.
    /// </summary>
    private sealed class SemanticWarmUp(SemanticEmbeddings embeddings, IEnumerable<IProxyConfigProvider> providers) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var routes = providers.SelectMany(p => p.GetConfig().Routes);
            if (routes.Any(r => CacheRouteSettings.For(r).Semantic is not null))
            {
                _ = embeddings.WarmUpAsync();
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
