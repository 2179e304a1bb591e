namespace Gateway.Transforms.Pipeline;

/// <summary>How a proxied request ended; the <c>outcome</c> metric label.</summary>
public enum RequestOutcome
{
    /// <summary>Not decided by a stage: derived from the status code when the request completes.</summary>
    Pending,

    /// <summary>Answered by the upstream.</summary>
    Ok,

    /// <summary>Answered from the cache.</summary>
    CacheHit,

    /// <summary>401.</summary>
    Unauthorized,

    /// <summary>403.</summary>
    Forbidden,

    /// <summary>429.</summary>
    Throttled,

    /// <summary>503 from the fair queue.</summary>
    Shed,

    /// <summary>504 tier timeout.</summary>
    Timeout,

    /// <summary>The upstream failed or answered 5xx.</summary>
    UpstreamError,

    /// <summary>The client went away first.</summary>
    ClientAborted,

    /// <summary>Rejected by the gateway as malformed or oversized (400, 413).</summary>
    Rejected,
}

/// <summary>Metric label values of <see cref="RequestOutcome"/>.</summary>
public static class RequestOutcomeNames
{
    /// <summary>The label value.</summary>
    public static string Label(this RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.Ok => "ok",
        RequestOutcome.CacheHit => "cache_hit",
        RequestOutcome.Unauthorized => "unauthorized",
        RequestOutcome.Forbidden => "forbidden",
        RequestOutcome.Throttled => "throttled",
        RequestOutcome.Shed => "shed",
        RequestOutcome.Timeout => "timeout",
        RequestOutcome.UpstreamError => "upstream_error",
        RequestOutcome.ClientAborted => "client_aborted",
        RequestOutcome.Rejected => "rejected",
        _ => "ok",
    };

    /// <summary>Whether the outcome is a gateway rejection that says nothing about upstream latency.</summary>
    public static bool IsRejection(this RequestOutcome outcome) =>
        outcome is RequestOutcome.Unauthorized or RequestOutcome.Forbidden or RequestOutcome.Throttled
            or RequestOutcome.Shed or RequestOutcome.Rejected;
}
