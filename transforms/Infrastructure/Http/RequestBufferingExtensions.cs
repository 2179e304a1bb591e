using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>Registration of the buffered-body budget, shared by the stages that buffer request bodies.</summary>
internal static class RequestBufferingExtensions
{
    /// <summary>Registers <see cref="RequestBufferBudget"/>, <see cref="RequestBufferPool"/>, their metrics and <see cref="RequestBodyBuffer"/> (once).</summary>
    public static IServiceCollection AddRequestBuffering(this IServiceCollection services)
    {
        services.TryAddSingleton<RequestBufferBudget>();
        services.TryAddSingleton<RequestBufferPool>();
        services.TryAddSingleton<RequestBufferMetrics>();
        services.TryAddSingleton<RequestBodyBuffer>();
        return services;
    }
}
