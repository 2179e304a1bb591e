namespace Gateway.Config.Options;

/// <summary>The <c>Gateway:Redis</c> section.</summary>
public sealed class RedisOptions
{
    /// <summary>StackExchange.Redis configuration string (standalone or cluster). Empty: embedded in-process store.</summary>
    public string? Configuration { get; set; }

    /// <summary>Budget of a single Redis call on the request path; past it the cache is bypassed.</summary>
    public int OperationTimeoutMs { get; set; } = 50;

    /// <summary>Connect timeout handed to the client library.</summary>
    public int ConnectTimeoutMs { get; set; } = 250;

    /// <summary>Consecutive failures that open the circuit breaker.</summary>
    public int BreakerFailureThreshold { get; set; } = 5;

    /// <summary>How long an open circuit skips Redis before probing again.</summary>
    public int BreakerCooldownMs { get; set; } = 2000;
}
