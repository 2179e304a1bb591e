using System.Diagnostics.Metrics;
using Gateway.Transforms.Infrastructure.Diagnostics;

namespace Gateway.Transforms.Timeouts;

/// <summary><c>gateway.stream.ended</c>: streamed answers the gateway ended, by tenant and reason (<c>max_duration</c>, <c>idle</c>).</summary>
internal sealed class StreamMetrics
{
    private readonly Counter<long> _ended;

    /// <summary>Creates the instrument.</summary>
    public StreamMetrics(IMeterFactory meterFactory)
    {
        var meter = GatewayMeter.Create(meterFactory);
        _ended = meter.CreateCounter<long>("gateway.stream.ended", "{stream}", "Streamed answers the gateway ended cleanly: reason max_duration (the tier's MaxStreamSeconds) or idle.");
    }

    /// <summary>Counts one stream ended for <paramref name="reason"/>.</summary>
    public void Ended(string tenant, string tier, StreamEndReason reason)
    {
        if (_ended.Enabled)
        {
            var tags = GatewayMeter.TenantTags(tenant, tier);
            tags.Add("reason", reason == StreamEndReason.MaxDuration ? "max_duration" : "idle");
            _ended.Add(1, tags);
        }
    }
}
