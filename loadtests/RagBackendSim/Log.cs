namespace RagBackendSim;

/// <summary>Source-generated log messages of the simulator.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information,
        "RAG simulator ready: capacity {Capacity}, service time median {MedianMs} ms / p99 {P99Ms} ms (log-normal mu {Mu:F4}, sigma {Sigma:F4}), fixed latency {FixedMs}, stream {StreamTokens} tokens every {StreamTokenDelayMs} ms, seed {Seed}")]
    public static partial void Ready(
        ILogger logger, int capacity, double medianMs, double p99Ms, double mu, double sigma, string fixedMs, int streamTokens, int streamTokenDelayMs, string seed);

    [LoggerMessage(2, LogLevel.Debug, "Query from tenant {TenantId} aborted while {Phase}")]
    public static partial void QueryAborted(ILogger logger, string tenantId, QueryPhase phase);

    [LoggerMessage(3, LogLevel.Debug, "Query from tenant {TenantId} rejected: {Reason}")]
    public static partial void QueryRejected(ILogger logger, string tenantId, string reason);

    [LoggerMessage(4, LogLevel.Information, "Statistics reset")]
    public static partial void StatsReset(ILogger logger);
}

/// <summary>Where a query was when its client went away; logged to tell queueing aborts from serving aborts.</summary>
internal enum QueryPhase
{
    ReadingBody,
    Queued,
    Serving,
    Streaming,
}
