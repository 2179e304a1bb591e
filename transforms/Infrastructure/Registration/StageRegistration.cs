using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Transforms.Infrastructure.Registration;

/// <summary>
/// How every stage registers: its <c>AddX</c> calls <see cref="AddStage{TStage}"/> (or <see cref="TryAddStage{TStage}"/>),
/// which marks the stage once, and its <c>UseX</c> calls <see cref="UseStage{TStage}"/> (or
/// <see cref="EnsureAdded{TStage}"/>), which fails with the call to add when <c>AddX</c> did not run.
/// </summary>
internal static class StageRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TStage"/> as a singleton with what every stage uses (<see cref="TimeProvider"/>,
    /// metrics) and, the first time only, the services <paramref name="addServices"/> adds; a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddStage<TStage>(this IServiceCollection services, Action<IServiceCollection>? addServices = null)
        where TStage : class, IGatewayStage
    {
        if (services.TryAddStage<TStage>())
        {
            services.AddSingleton<TStage>();
            addServices?.Invoke(services);
        }

        return services;
    }

    /// <summary>
    /// Marks <typeparamref name="TStage"/> as registered and adds what every stage uses (<see cref="TimeProvider"/>,
    /// metrics). False when the stage was registered already.
    /// </summary>
    public static bool TryAddStage<TStage>(this IServiceCollection services)
        where TStage : class
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(StageMarker<TStage>)))
        {
            return false;
        }

        services.AddSingleton<StageMarker<TStage>>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        return true;
    }

    /// <summary>Adds the registered <typeparamref name="TStage"/> to the proxy pipeline, after <see cref="EnsureAdded{TStage}"/>.</summary>
    public static IApplicationBuilder UseStage<TStage>(this IApplicationBuilder proxy, string addMethod, [CallerMemberName] string useMethod = "")
        where TStage : class, IGatewayStage
    {
        proxy.EnsureAdded<TStage>(addMethod, useMethod);
        return proxy.Use(proxy.ApplicationServices.GetRequiredService<TStage>().InvokeAsync);
    }

    /// <summary>Throws, naming <paramref name="addMethod"/>, when <typeparamref name="TStage"/> was never registered.</summary>
    /// <param name="app">The application or proxy pipeline being built.</param>
    /// <param name="addMethod">The registration method, for example <c>AddTenantCache</c>.</param>
    /// <param name="useMethod">The calling <c>UseX</c> method (filled in by the compiler).</param>
    public static void EnsureAdded<TStage>(this IApplicationBuilder app, string addMethod, [CallerMemberName] string useMethod = "")
        where TStage : class
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<StageMarker<TStage>>() is null)
        {
            throw new InvalidOperationException($"Call services.{addMethod}() before {useMethod}().");
        }
    }

    /// <summary>Registered by <see cref="TryAddStage{TStage}"/>; its presence means <c>AddX</c> ran.</summary>
    private sealed class StageMarker<TStage>;
}
