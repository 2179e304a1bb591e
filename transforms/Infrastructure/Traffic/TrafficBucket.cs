namespace Gateway.Transforms.Infrastructure.Traffic;

/// <summary>One tenant's requests during one <see cref="TenantTraffic.Resolution"/> interval, on this node.</summary>
internal sealed class TrafficBucket
{
    /// <summary>Index of the interval counted here (timestamp / resolution); <see cref="long.MinValue"/> while unused.</summary>
    public long Index = long.MinValue;

    /// <summary>Requests that finished, whatever their outcome.</summary>
    public int Requests;

    /// <summary>Requests refused for load (429 or shed).</summary>
    public int Refused;

    /// <summary>Cache lookups answered from the cache.</summary>
    public int Hits;

    /// <summary>Cache lookups that missed.</summary>
    public int Misses;

    /// <summary>Served requests answered within the tier budget.</summary>
    public int WithinSla;

    /// <summary>Served requests over the budget (or timed out, or failed upstream).</summary>
    public int OverSla;

    /// <summary>Latency of the requests counted for the SLA, in <see cref="LatencyBins"/>.</summary>
    public readonly int[] Latency = new int[LatencyBins.Count];

    /// <summary>Starts counting interval <paramref name="index"/> afresh.</summary>
    public void Reset(long index)
    {
        Index = index;
        Requests = Refused = Hits = Misses = WithinSla = OverSla = 0;
        Array.Clear(Latency);
    }
}
