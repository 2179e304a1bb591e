using Gateway.Transforms.Infrastructure.Http;
using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Transforms.BodyLimit;

/// <summary>The body limit: <c>services.AddRequestBodyLimit()</c> and <c>proxy.UseRequestBodyLimit()</c>, after throttling, under the tier deadline.</summary>
public static class RequestBodyLimitExtensions
{
    /// <summary>Registers the stage and the buffered-body budget it reads chunked bodies against.</summary>
    public static IServiceCollection AddRequestBodyLimit(this IServiceCollection services) =>
        services.AddStage<RequestBodyLimitStage>(static s => s.AddRequestBuffering());

    /// <summary>Adds the stage: oversized bodies get 413 before anything is forwarded.</summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder proxy) => proxy.UseStage<RequestBodyLimitStage>(nameof(AddRequestBodyLimit));
}
