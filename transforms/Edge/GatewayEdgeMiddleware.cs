using System.Diagnostics;
using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Audit;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Diagnostics;
using Gateway.Transforms.Infrastructure.Http;
using Gateway.Transforms.Infrastructure.Traffic;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Edge;

/// <summary>
/// First middleware of the application: stamps the arrival time (the tier deadline counts from here), pins the
/// settings snapshot, removes gateway-owned headers a client may have forged; once a proxied request has finished,
/// answers a failed upstream call with the 502 problem body and records the per-tenant request metrics and span, the
/// tenant's traffic window (for the console) and, for tenants under cache-access audit, the lookup's audit event.
/// </summary>
internal sealed class GatewayEdgeMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IGatewaySettings _settings;
    private readonly TimeProvider _time;
    private readonly EdgeMetrics _metrics;
    private readonly TenantTraffic _traffic;
    private readonly AuditTrail _audit;
    private readonly ILogger<GatewayEdgeMiddleware> _logger;

    /// <summary>Creates the middleware.</summary>
    public GatewayEdgeMiddleware(RequestDelegate next, IGatewaySettings settings, TimeProvider time, EdgeMetrics metrics, TenantTraffic traffic,
        AuditTrail audit, ILogger<GatewayEdgeMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(traffic);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(logger);
        _next = next;
        _settings = settings;
        _time = time;
        _metrics = metrics;
        _traffic = traffic;
        _audit = audit;
        _logger = logger;
    }

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var request = new GatewayRequest(_settings.Current, _time.GetTimestamp()) { ClientAborted = context.RequestAborted };
        context.Features.Set(request);
        GatewayHeaders.Scrub(context.Request.Headers);

        // Null unless a tracer listens (OTLP configured), so the untraced path pays nothing.
        using var activity = GatewayActivity.Source.StartActivity("gateway.request");
        try
        {
            await _next(context);
            if (request.RouteId is not null)
            {
                await ForwardingErrors.AnswerAsync(context, request, _logger);
            }
        }
        finally
        {
            if (request.RouteId is not null)
            {
                Record(context, request);
                if (activity is not null)
                {
                    Tag(activity, request);
                }
            }
        }
    }

    /// <summary>Why the request was refused for load, as the <c>reason</c> label: the throttle's decision, or <c>shed</c>.</summary>
    private static string? Rejection(GatewayRequest request) => request.Outcome switch
    {
        RequestOutcome.Throttled => request.ThrottleDecision.Label(),
        RequestOutcome.Shed => RequestOutcome.Shed.Label(),
        _ => null,
    };

    private static void Tag(Activity activity, GatewayRequest request)
    {
        activity.SetTag("gateway.tenant", request.TenantLabel);
        activity.SetTag("gateway.tier", request.TierLabel);
        activity.SetTag("gateway.route", request.RouteId);
        activity.SetTag("gateway.outcome", request.Outcome.Label());
        activity.SetTag("gateway.cache", request.CacheResult.Label());
        activity.SetTag("gateway.throttle", Rejection(request) ?? request.ThrottleDecision.Label());
        if (request.Outcome is RequestOutcome.Timeout or RequestOutcome.UpstreamError)
        {
            activity.SetStatus(ActivityStatusCode.Error, request.Outcome.Label());
        }
    }

    private void Record(HttpContext context, GatewayRequest request)
    {
        var elapsed = _time.GetElapsedTime(request.ArrivalTimestamp);
        var outcome = request.Outcome;
        if (outcome == RequestOutcome.Pending)
        {
            outcome = request.ClientAborted.IsCancellationRequested ? RequestOutcome.ClientAborted
                : context.Response.StatusCode >= StatusCodes.Status500InternalServerError ? RequestOutcome.UpstreamError
                : RequestOutcome.Ok;
            request.Outcome = outcome;
        }

        bool? withinSla = outcome switch
        {
            RequestOutcome.Ok or RequestOutcome.CacheHit => request.Tier is { } tier && elapsed <= tier.Timeout,
            RequestOutcome.Timeout or RequestOutcome.UpstreamError => false,
            _ => null,
        };

        var rejection = Rejection(request);
        _metrics.RequestCompleted(request.TenantLabel, request.TierLabel, request.RouteId!, outcome.Label(), elapsed.TotalSeconds, withinSla, rejection);
        if (request.TenantId is { } tenantId && request.Settings.Table.IsKnownTenant(tenantId))
        {
            _traffic.Record(tenantId, rejection is not null, request.CacheResult, withinSla, elapsed.TotalSeconds);
        }

        if (request.CacheKeyHash is { } keyHash && request.Settings.AuditsCacheAccess(request.TenantId!))
        {
            _audit.CacheAccess(request, keyHash);
        }
    }
}
