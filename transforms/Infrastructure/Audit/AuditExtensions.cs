using System.Diagnostics.Metrics;
using Gateway.Config.Reload;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Infrastructure.Audit;

/// <summary>Registration of the audit trail, once.</summary>
internal static class AuditExtensions
{
    /// <summary>Registers <see cref="AuditTrail"/> over the sink <c>Gateway:Audit:Path</c> names at start-up (a file, or the log).</summary>
    public static IServiceCollection AddGatewayAudit(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IGatewaySettings>().Current.Options.Audit.Path;
            IAuditSink sink = string.IsNullOrWhiteSpace(path)
                ? new LogAuditSink(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Audit"))
                : new FileAuditSink(path);
            return new AuditTrail(sink, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IMeterFactory>());
        });
        return services;
    }
}
