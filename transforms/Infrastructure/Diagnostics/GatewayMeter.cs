using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Transforms.Infrastructure.Diagnostics;

/// <summary>
/// The one meter every gateway instrument belongs to. Each feature has its own metrics class that creates its
/// instruments once from <see cref="IMeterFactory"/>; tenant label values come from <c>GatewayRequest.TenantLabel</c>
/// (configured tenants or <c>unknown</c>) so series stay bounded.
/// </summary>
public static class GatewayMeter
{
    /// <summary>Meter name; add it to the OpenTelemetry meter provider.</summary>
    public const string Name = "TenantGateway";

    /// <summary>Bucket boundaries of duration histograms: resolve the sub-millisecond hit path and include every tier timeout.</summary>
    internal static readonly IReadOnlyList<double> DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5, 5];

    /// <summary>The gateway's meter from <paramref name="meterFactory"/> (the factory hands every caller the same one).</summary>
    internal static Meter Create(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        return meterFactory.Create(Name);
    }

    /// <summary>A duration histogram in seconds with <see cref="DurationBuckets"/>.</summary>
    internal static Histogram<double> CreateDurationHistogram(this Meter meter, string name, string description) =>
        meter.CreateHistogram(name, "s", description, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    /// <summary>One measurement per tenant of a gauge kept in a per-tenant dictionary, tagged <c>tenant</c>.</summary>
    internal static IEnumerable<Measurement<T>> PerTenant<TState, T>(IEnumerable<KeyValuePair<string, TState>> values, Func<TState, T> select)
        where T : struct
    {
        foreach (var (tenant, state) in values)
        {
            yield return new Measurement<T>(select(state), new KeyValuePair<string, object?>("tenant", tenant));
        }
    }

    /// <summary>The <c>tenant</c> and <c>tier</c> tags most series carry.</summary>
    internal static TagList TenantTags(string tenant, string tier) => new() { { "tenant", tenant }, { "tier", tier } };
}
