using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Transforms.Timeouts;

/// <summary>The tier deadline: <c>services.AddTierDeadline()</c> and <c>proxy.UseTierDeadline()</c>, before any stage that waits.</summary>
public static class TierDeadlineExtensions
{
    /// <summary>Registers the stage and the stream limits (the tier's <c>MaxStreamSeconds</c>, the idle-stream timeout).</summary>
    public static IServiceCollection AddTierDeadline(this IServiceCollection services) =>
        services.AddStage<TierDeadlineStage>(static s =>
        {
            s.AddSingleton<StreamMetrics>();
            s.AddSingleton<ITransformProvider, StreamLimitTransformProvider>();
        });

    /// <summary>Adds the stage: every later stage and the upstream call are cancelled when the tier's budget is spent.</summary>
    public static IApplicationBuilder UseTierDeadline(this IApplicationBuilder proxy) => proxy.UseStage<TierDeadlineStage>(nameof(AddTierDeadline));
}
