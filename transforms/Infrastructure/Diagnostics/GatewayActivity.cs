using System.Diagnostics;

namespace Gateway.Transforms.Infrastructure.Diagnostics;

/// <summary>The gateway's trace source: one span per proxied request with tenant, tier, cache and throttle decisions.</summary>
public static class GatewayActivity
{
    /// <summary>Source name; add it to the OpenTelemetry tracer provider.</summary>
    public const string SourceName = "TenantGateway";

    /// <summary>The shared source.</summary>
    public static readonly ActivitySource Source = new(SourceName);
}
