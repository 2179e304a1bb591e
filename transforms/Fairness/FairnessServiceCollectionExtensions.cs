using Gateway.Transforms.Throttling;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Transforms.Fairness;

/// <summary>Registration of the fair upstream queue: <c>services.AddFairUpstreamQueue()</c> and <c>proxy.UseFairUpstreamQueue()</c>.</summary>
public static class FairnessServiceCollectionExtensions
{
    /// <summary>Registers the per-cluster fair queues and the stage.</summary>
    public static IServiceCollection AddFairUpstreamQueue(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AutoThrottleController>();
        services.TryAddSingleton<FairQueueRegistry>();
        services.TryAddSingleton<FairUpstreamStage>();
        services.TryAddSingleton<FairnessMarker>();
        return services;
    }

    /// <summary>Adds the fair queue to the proxy pipeline: last of the gateway stages, right before the upstream call.</summary>
    public static IApplicationBuilder UseFairUpstreamQueue(this IApplicationBuilder proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var services = proxy.ApplicationServices;
        if (services.GetService<FairnessMarker>() is null)
        {
            throw new InvalidOperationException("Call services.AddFairUpstreamQueue() before proxy.UseFairUpstreamQueue().");
        }

        proxy.Use(services.GetRequiredService<FairUpstreamStage>().InvokeAsync);
        return proxy;
    }

    private sealed class FairnessMarker;
}
