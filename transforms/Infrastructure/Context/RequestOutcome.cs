namespace Gateway.Transforms.Infrastructure.Context;

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
