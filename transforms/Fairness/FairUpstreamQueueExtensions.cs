using Gateway.Transforms.Infrastructure.Registration;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Transforms.Fairness;

/// <summary>The fair upstream queue: <c>services.AddFairUpstreamQueue()</c> and <c>proxy.UseFairUpstreamQueue()</c>, last before the upstream call.</summary>
public static class FairUpstreamQueueExtensions
{
    /// <summary>Registers the stage, the per-cluster fair queues and their metrics, with the auto-throttle they report to.</summary>
    public static IServiceCollection AddFairUpstreamQueue(this IServiceCollection services) =>
        services.AddStage<FairUpstreamStage>(static s =>
        {
            s.AddTenantLimits();
            s.AddSingleton<FairnessMetrics>();
            s.AddSingleton<FairQueueRegistry>();
        });

    /// <summary>Adds the stage: a slot of the cluster's capacity is held for exactly the upstream call.</summary>
    public static IApplicationBuilder UseFairUpstreamQueue(this IApplicationBuilder proxy) => proxy.UseStage<FairUpstreamStage>(nameof(AddFairUpstreamQueue));
}
