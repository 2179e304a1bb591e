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

/// <summary>The <c>Gateway:Cache</c> section.</summary>
public sealed class CacheOptions
{
    /// <summary>Largest response body stored (bytes).</summary>
    public int MaxEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest request body hashed into a key (bytes); larger requests bypass the cache.</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Request headers that take part in the cache key.</summary>
    public List<string> VaryHeaders { get; set; } = [];

    /// <summary>Share of the quota at which new writes are skipped.</summary>
    public double QuotaWriteThreshold { get; set; } = 0.95;
}

/// <summary>The <c>Gateway:Throttling</c> section.</summary>
public sealed class ThrottlingOptions
{
    /// <summary>Whether per-tenant rate limits are enforced.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Nodes expected to share the load; each node's fallback limit is the tier rate divided by this.</summary>
    public int ExpectedNodes { get; set; } = 1;

    /// <summary>Share of the limit at which a tenant is flagged hot.</summary>
    public double HotThreshold { get; set; } = 0.8;

    /// <summary>Sliding window over which the hot-tenant rate is measured.</summary>
    public int HotWindowSeconds { get; set; } = 10;

    /// <summary>
    /// Budget of the shared limiter's Redis call. Past it (or with the Redis circuit open) the request is decided by
    /// this node's local limit instead, so a slow Redis costs an admission at most this long.
    /// </summary>
    public int RedisBudgetMs { get; set; } = 20;
}

/// <summary>The <c>Gateway:Fairness</c> section.</summary>
public sealed class FairnessOptions
{
    /// <summary>Whether upstream capacity is shared by weighted fair queuing.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests in flight to one cluster from this node before requests queue.</summary>
    public int MaxInFlight { get; set; } = 64;

    /// <summary>Queued requests per tenant beyond which new ones are shed at once.</summary>
    public int MaxQueuePerTenant { get; set; } = 256;

    /// <summary>Share of the in-flight capacity above which a tenant counts as taking more than its fair share.</summary>
    public double AutoThrottleShare { get; set; } = 0.5;

    /// <summary>Factor applied to a hot tenant's limit while it is auto-throttled.</summary>
    public double AutoThrottleFactor { get; set; } = 0.5;

    /// <summary>Quiet time after which an auto-throttled tenant gets its full limit back.</summary>
    public int AutoThrottleCooldownSeconds { get; set; } = 30;

    /// <summary>
    /// Safety margin before the tier deadline: a queued request that could not be dispatched at least this long
    /// (plus the expected upstream time) before its deadline is shed with 503 instead of running into the 504.
    /// </summary>
    public int ShedMarginMs { get; set; } = 10;
}

/// <summary>The <c>Gateway:Limits</c> section: request limits at the edge.</summary>
public sealed class LimitsOptions
{
    /// <summary>Largest request body accepted (bytes); larger bodies get 413 before anything is forwarded.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Time a client has to send the request headers.</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>Total size of request headers.</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 16 * 1024;

    /// <summary>Number of request headers.</summary>
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>Size of the request line (method, target, version).</summary>
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;
}
