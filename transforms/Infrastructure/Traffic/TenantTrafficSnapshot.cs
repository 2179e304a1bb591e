namespace Gateway.Transforms.Infrastructure.Traffic;

/// <summary>What this node saw of one tenant recently, as the console's tenants table shows it.</summary>
/// <param name="Current">The last <see cref="TenantTraffic.RateWindow"/>: the current request and refusal rate.</param>
/// <param name="Latency">The last <see cref="TenantTraffic.LatencyWindow"/>: the p95 compared with the tier budget.</param>
/// <param name="History">The whole <see cref="TenantTraffic.HistoryLength"/>: SLA compliance and hit rate.</param>
public sealed record TenantTrafficSnapshot(TrafficSample Current, TrafficSample Latency, TrafficSample History);
