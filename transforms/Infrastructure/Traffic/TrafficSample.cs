namespace Gateway.Transforms.Infrastructure.Traffic;

/// <summary>One tenant's traffic on this node over one interval of the history, or over a window.</summary>
/// <param name="Start">Start of the interval.</param>
/// <param name="Seconds">Length of the interval counted (the current interval counts only what has elapsed of it).</param>
/// <param name="Requests">Requests that finished, whatever their outcome.</param>
/// <param name="Refused">Requests refused for load (429 or shed).</param>
/// <param name="Hits">Cache hits.</param>
/// <param name="Misses">Cache misses.</param>
/// <param name="WithinSla">Served requests within the tier budget.</param>
/// <param name="OverSla">Served requests over it, timed out or failed upstream.</param>
/// <param name="P95Seconds">95th percentile latency of the served requests; null when there were none.</param>
public sealed record TrafficSample(
    DateTimeOffset Start,
    double Seconds,
    long Requests,
    long Refused,
    long Hits,
    long Misses,
    long WithinSla,
    long OverSla,
    double? P95Seconds)
{
    /// <summary>Requests per second.</summary>
    public double Rate => Seconds > 0 ? Requests / Seconds : 0;

    /// <summary>Refusals per second.</summary>
    public double RefusedRate => Seconds > 0 ? Refused / Seconds : 0;

    /// <summary>Hits over lookups; null without lookups.</summary>
    public double? HitRate => Hits + Misses > 0 ? (double)Hits / (Hits + Misses) : null;

    /// <summary>Served requests within budget over all served requests; null when none were served.</summary>
    public double? SlaCompliance => WithinSla + OverSla > 0 ? (double)WithinSla / (WithinSla + OverSla) : null;
}
