using System.Diagnostics.Metrics;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>
/// <c>gateway.request_buffer.size</c> (request-body bytes held in memory on the node),
/// <c>gateway.request_buffer.pool.size</c> (the segments that hold them, in use or idle) and
/// <c>gateway.request_buffer.rejections</c> (requests refused with 503 because the budget or the tenant's share was spent).
/// </summary>
internal sealed class RequestBufferMetrics
{
    private readonly Counter<long> _rejections;

    /// <summary>Creates the instruments.</summary>
    public RequestBufferMetrics(IMeterFactory meterFactory, RequestBufferBudget budget, RequestBufferPool pool)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(pool);
        var meter = GatewayMeter.Create(meterFactory);
        meter.CreateObservableGauge("gateway.request_buffer.size", () => budget.TotalBytes, "By", "Request-body bytes buffered in memory on this node, all tenants.");
        meter.CreateObservableGauge("gateway.request_buffer.pool.size", () => pool.AllocatedBytes, "By", "Memory this node holds for reading request bodies, in use or kept for reuse (never more than Gateway:Limits:MaxBufferedBytes once idle).");
        _rejections = meter.CreateCounter<long>("gateway.request_buffer.rejections", "{request}", "Requests refused with 503 because the node's buffered-body budget or the tenant's share of it was spent.");
    }

    /// <summary>Counts one refusal for <paramref name="tenant"/>.</summary>
    public void Refused(string tenant)
    {
        if (_rejections.Enabled)
        {
            _rejections.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
        }
    }
}
