using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Transforms.Edge;

/// <summary>
/// The per-request series, recorded by the edge once a proxied request has finished: <c>gateway.requests</c> by
/// outcome, <c>gateway.request.duration</c>, <c>gateway.sla.requests</c>, and <c>gateway.throttle.rejections</c> by
/// reason (the throttling stage's <c>rate_limit</c> and <c>auto_throttle</c>, the fair queue's <c>shed</c>).
/// </summary>
internal sealed class EdgeMetrics
{
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _sla;
    private readonly Counter<long> _rejections;

    /// <summary>Creates the instruments.</summary>
    public EdgeMetrics(IMeterFactory meterFactory)
    {
        var meter = GatewayMeter.Create(meterFactory);
        _requests = meter.CreateCounter<long>("gateway.requests", "{request}", "Proxied requests by tenant, tier, route and outcome.");
        _duration = meter.CreateDurationHistogram("gateway.request.duration", "Time from arrival at the gateway to the end of the response.");
        _sla = meter.CreateCounter<long>("gateway.sla.requests", "{request}", "Requests answered within their tier budget (result=within) or not (result=over).");
        _rejections = meter.CreateCounter<long>("gateway.throttle.rejections", "{request}", "Requests refused by reason: rate_limit, auto_throttle, shed.");
    }

    /// <summary>Records a finished proxied request; <paramref name="rejection"/> is the reason it was refused for load, if it was.</summary>
    public void RequestCompleted(string tenant, string tier, string route, string outcome, double seconds, bool? withinSla, string? rejection)
    {
        // Refusals first: a scrape that sees the request counted sees its refusal too.
        if (rejection is not null && _rejections.Enabled)
        {
            _rejections.Add(1, new TagList { { "tenant", tenant }, { "tier", tier }, { "reason", rejection } });
        }

        if (_requests.Enabled)
        {
            _requests.Add(1, new TagList { { "tenant", tenant }, { "tier", tier }, { "route", route }, { "outcome", outcome } });
        }

        if (_duration.Enabled)
        {
            _duration.Record(seconds, new TagList { { "tenant", tenant }, { "tier", tier }, { "outcome", outcome } });
        }

        if (withinSla is { } within && _sla.Enabled)
        {
            _sla.Add(1, new TagList { { "tenant", tenant }, { "tier", tier }, { "result", within ? "within" : "over" } });
        }
    }
}
