using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Contracts;

namespace Gateway.Health;

/// <summary><c>/healthz</c> (the process is alive) and <c>/readyz</c> (configuration loaded; state of each dependency).</summary>
internal static class HealthEndpoints
{
    /// <summary>Maps both endpoints.</summary>
    public static void MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Json(new { status = "alive" }));
        endpoints.MapGet("/readyz", (IGatewaySettings settings, IEnumerable<IReadinessCheck> checks, IHostApplicationLifetime lifetime) =>
        {
            var components = new List<ReadinessReport>
            {
                new("configuration", ReadinessReport.Ok, $"version {settings.Current.Version}, {settings.Current.Table.Tiers.Count} tiers"),
            };
            components.AddRange(checks.Select(c => c.Check()));

            // Degraded still serves (the cache is bypassed, limits are local), so the node stays in rotation:
            // taking every node out because the shared store is down would turn a slowdown into an outage.
            var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
            var unavailable = stopping || components.Any(c => c.Status == ReadinessReport.Unavailable);
            var status = unavailable ? "unavailable" : components.Any(c => c.Status == ReadinessReport.Degraded) ? "degraded" : "ready";
            return Results.Json(
                new
                {
                    status,
                    components = components.ToDictionary(c => c.Component, c => new { status = c.Status, detail = c.Detail }),
                },
                statusCode: unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
    }
}
