namespace Gateway.Transforms.Infrastructure.Context;

/// <summary>What the rate limiter decided for a request.</summary>
public enum ThrottleDecision
{
    /// <summary>Not throttled (throttling off, or the request ended before the throttling stage).</summary>
    None,

    /// <summary>Admitted by the shared (or embedded) limiter.</summary>
    Admitted,

    /// <summary>Admitted by this node's fallback limiter because Redis could not decide.</summary>
    AdmittedLocal,

    /// <summary>Refused: over the tier's rate.</summary>
    RateLimit,

    /// <summary>Refused: over the lowered rate of an auto-throttled tenant.</summary>
    AutoThrottle,
}
