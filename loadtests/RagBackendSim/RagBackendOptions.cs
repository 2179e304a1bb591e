namespace RagBackendSim;

/// <summary>Behaviour of the simulated RAG backend, bound from the <c>Sim</c> configuration section.</summary>
/// <remarks>
/// Every value can be set on the command line (<c>--Sim:Capacity=4</c>), through environment variables
/// (<c>Sim__Capacity=4</c>) or in code through the <c>configure</c> callback of <see cref="RagBackend.Create"/>.
/// Values are read once at start-up.
/// </remarks>
public sealed class RagBackendOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Sim";

    /// <summary>
    /// Queries served at the same time (default 32). Further queries wait in FIFO order for a slot, so
    /// overload shows up as queueing latency, as it does in front of a saturated vector store.
    /// </summary>
    public int Capacity { get; set; } = 32;

    /// <summary>Median service time of one query in milliseconds (default 20).</summary>
    /// <remarks>
    /// Service times follow a log-normal distribution fitted to the median and the 99th percentile:
    /// <c>mu = ln(median)</c>, <c>sigma = ln(p99 / median) / 2.3263</c> (2.3263 is the standard normal 99% quantile),
    /// and each sample is <c>exp(mu + sigma * z)</c> with <c>z</c> standard normal. Samples are capped at ten times
    /// the p99 so a freak draw cannot stall a load test.
    /// </remarks>
    public double LatencyMedianMs { get; set; } = 20;

    /// <summary>99th percentile service time in milliseconds (default 80); must not be below the median.</summary>
    public double LatencyP99Ms { get; set; } = 80;

    /// <summary>
    /// When set, every query takes exactly this many milliseconds instead of a log-normal draw (default null),
    /// which makes capacity and timeout tests deterministic.
    /// </summary>
    public int? FixedLatencyMs { get; set; }

    /// <summary>Number of <c>data:</c> events in a streamed (SSE) answer (default 8).</summary>
    public int StreamTokens { get; set; } = 8;

    /// <summary>Pause between two streamed events in milliseconds (default 25).</summary>
    public int StreamTokenDelayMs { get; set; } = 25;

    /// <summary>Seed for the service-time random source (default null: not reproducible).</summary>
    public int? Seed { get; set; }
}
