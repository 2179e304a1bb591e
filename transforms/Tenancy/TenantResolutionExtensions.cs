using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Transforms.Tenancy;

/// <summary>Tenant resolution: <c>services.AddTenantResolution()</c> and <c>proxy.UseTenantResolution()</c>, first of the proxy stages.</summary>
public static class TenantResolutionExtensions
{
    /// <summary>
    /// Registers the stage, the token validator, the token-keys readiness check and the transform that sets <c>X-Tenant-Id</c> / <c>X-Tenant-Tier</c>
    /// for the upstream. Requires <c>IGatewaySettings</c>.
    /// </summary>
    public static IServiceCollection AddTenantResolution(this IServiceCollection services) =>
        services.AddStage<TenantResolutionStage>(static s =>
        {
            s.TryAddSingleton<TenantTokenValidator>();
            s.AddSingleton<ITransformProvider, TenantHeadersTransformProvider>();
            s.AddSingleton<IReadinessCheck, TokenKeysReadiness>();
        });

    /// <summary>Adds the stage: every later stage can rely on a verified tenant and its tier.</summary>
    public static IApplicationBuilder UseTenantResolution(this IApplicationBuilder proxy) => proxy.UseStage<TenantResolutionStage>(nameof(AddTenantResolution));
}
