using LoadDriver.Scenarios;

namespace LoadDriver.Load;

/// <summary>
/// One constant-arrival-rate schedule, the driver's counterpart of a k6 <c>constant-arrival-rate</c> scenario:
/// request <c>i</c> is due at <c>StartSeconds + i / Rate</c>, for <c>round(Rate × DurationSeconds)</c> requests.
/// </summary>
/// <param name="Name">Stream name (<c>steady_t01</c>, <c>spike_t01</c>), also the prefix of unique query ids.</param>
/// <param name="Tenant">The tenant it sends for.</param>
/// <param name="Group">Series group: <c>victim</c>, <c>spike</c>, <c>tenant</c>... (the chart pools a group).</param>
/// <param name="Token">Bearer token.</param>
/// <param name="Query">Query text of request <c>i</c>; called in order, on the generator's thread.</param>
internal sealed record LoadStream(
    string Name,
    Tenant Tenant,
    string Group,
    double Rate,
    double StartSeconds,
    double DurationSeconds,
    string Token,
    Func<long, string> Query)
{
    /// <summary>Adds headers to each query (a slow-query or streaming hint for the simulator, a direct tenant header).</summary>
    public Action<HttpRequestMessage>? Configure { get; init; }

    /// <summary>Sends request <c>i</c> some other way than <c>POST /query</c> with <see cref="Token"/> (an admin call, a bad token).</summary>
    public Func<RagClient, long, string, CancellationToken, Task<QueryOutcome>>? Send { get; init; }

    public long Count => (long)Math.Round(Rate * DurationSeconds, MidpointRounding.AwayFromZero);

    public double DueSeconds(long index) => StartSeconds + (index / Rate);
}

/// <summary>Something a scenario does at a point of its timeline besides the streams (the invalidation step).</summary>
internal sealed record TimedAction(double AtSeconds, Func<CancellationToken, Task> Run);
