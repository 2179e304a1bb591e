using Gateway.Transforms.Infrastructure.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Telemetry;

/// <summary>OpenTelemetry wiring in one place: Prometheus metrics at <c>/metrics</c>, traces over OTLP when configured.</summary>
internal static class TelemetryExtensions
{
    /// <summary>Registers metrics and tracing.</summary>
    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConfigurationMetrics>();
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tenant-gateway"))
            .WithMetrics(metrics => metrics
                .AddMeter(GatewayMeter.Name)
                .AddPrometheusExporter());

        if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(GatewayActivity.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperatorEndpoint(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>Maps the Prometheus scrape endpoint on <paramref name="endpoints"/> (the management group) and starts the configuration metrics.</summary>
    public static void MapGatewayTelemetry(this IEndpointRouteBuilder endpoints, IServiceProvider services)
    {
        // Created now, so reloads are counted from start-up on.
        _ = services.GetRequiredService<ConfigurationMetrics>();
        // A scrape is a GET; any other method is answered 405 by the management guard.
        endpoints.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
    }

    private static bool IsOperatorEndpoint(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
