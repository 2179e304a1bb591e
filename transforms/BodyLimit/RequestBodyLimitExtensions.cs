using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Transforms.BodyLimit;

/// <summary>The body limit: <c>services.AddRequestBodyLimit()</c> and <c>proxy.UseRequestBodyLimit()</c>, right after tenant resolution.</summary>
public static class RequestBodyLimitExtensions
{
    /// <summary>Registers the stage.</summary>
    public static IServiceCollection AddRequestBodyLimit(this IServiceCollection services) => services.AddStage<RequestBodyLimitStage>();

    /// <summary>Adds the stage: oversized bodies get 413 before anything is forwarded.</summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder proxy) => proxy.UseStage<RequestBodyLimitStage>(nameof(AddRequestBodyLimit));
}
