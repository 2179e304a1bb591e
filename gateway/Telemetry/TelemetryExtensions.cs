using Gateway.Transforms.Diagnostics;
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
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tenant-gateway"))
            .WithMetrics(metrics => metrics
                .AddMeter(GatewayMetrics.MeterName)
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

    /// <summary>Maps the Prometheus scrape endpoint.</summary>
    public static void MapGatewayTelemetry(this WebApplication app) => app.MapPrometheusScrapingEndpoint("/metrics");

    private static bool IsOperatorEndpoint(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
