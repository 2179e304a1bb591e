namespace Gateway.Transforms.Infrastructure.Context;

/// <summary>
/// How the request context is spelled in telemetry and headers: the metric label and span tag values of
/// <see cref="RequestOutcome"/>, <see cref="CacheResult"/> and <see cref="ThrottleDecision"/>, and the <c>X-Cache</c> value.
/// </summary>
internal static class Labels
{
    /// <summary>The <c>outcome</c> label: <c>ok</c>, <c>cache_hit</c>, <c>throttled</c>, <c>shed</c>, <c>timeout</c>, ...</summary>
    public static string Label(this RequestOutcome outcome) => outcome switch
    {
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

    /// <summary>The <c>result</c> label of <c>gateway.cache.requests</c> and the span's <c>gateway.cache</c> tag: <c>hit</c>, <c>semantic_hit</c>, <c>miss</c>, <c>bypass</c>, <c>none</c>.</summary>
    public static string Label(this CacheResult result) => result switch
    {
        CacheResult.Hit => "hit",
        CacheResult.SemanticHit => "semantic_hit",
        CacheResult.Miss => "miss",
        CacheResult.Bypass => "bypass",
        _ => "none",
    };

    /// <summary>The <c>X-Cache</c> response header value: <c>HIT</c> (semantic hits too), <c>MISS</c> or <c>BYPASS</c>; null for <see cref="CacheResult.None"/>.</summary>
    public static string? HeaderValue(this CacheResult result) => result switch
    {
        CacheResult.Hit or CacheResult.SemanticHit => "HIT",
        CacheResult.Miss => "MISS",
        CacheResult.Bypass => "BYPASS",
        _ => null,
    };

    /// <summary>
    /// The span's <c>gateway.throttle</c> tag and the <c>reason</c> label of <c>gateway.throttle.rejections</c>:
    /// <c>admitted</c>, <c>admitted_local</c>, <c>rate_limit</c>, <c>auto_throttle</c>, <c>none</c>.
    /// </summary>
    public static string Label(this ThrottleDecision decision) => decision switch
    {
        ThrottleDecision.Admitted => "admitted",
        ThrottleDecision.AdmittedLocal => "admitted_local",
        ThrottleDecision.RateLimit => "rate_limit",
        ThrottleDecision.AutoThrottle => "auto_throttle",
        _ => "none",
    };
}
