namespace LoadDriver.Load;

/// <summary>How one <c>POST /query</c> ended, from the client's side.</summary>
internal enum OutcomeKind
{
    /// <summary>2xx.</summary>
    Ok,

    /// <summary>429: rate limited.</summary>
    Throttled,

    /// <summary>503: shed by the fair queue.</summary>
    Shed,

    /// <summary>504: tier hard timeout.</summary>
    TimedOut,

    /// <summary>Any other status.</summary>
    OtherStatus,

    /// <summary>No response: connection error or the client's own timeout.</summary>
    TransportError,

    /// <summary>Never sent: the generator's in-flight cap was reached at the intended send time.</summary>
    Overflow,
}

/// <summary>One answered (or failed) query as the load driver judges it.</summary>
/// <param name="Status">HTTP status, 0 without a response.</param>
/// <param name="Kind">Classification of <paramref name="Status"/>.</param>
/// <param name="Cache"><c>X-Cache</c> of a 2xx answer, upper-cased, or null.</param>
/// <param name="AnsweredTenant">The answer's <c>tenant_id</c>, or null when the body has none.</param>
/// <param name="LimitHeadersOk">A 429 carried <c>Retry-After</c>, <c>RateLimit-Policy</c> and <c>RateLimit</c>.</param>
internal readonly record struct QueryOutcome(int Status, OutcomeKind Kind, string? Cache, string? AnsweredTenant, bool LimitHeadersOk)
{
    /// <summary>The problem body's <c>reason</c> of a 429 or 503 (<c>rate_limit</c>, <c>auto_throttle</c>, <c>deadline</c>...).</summary>
    public string? Reason { get; init; }

    /// <summary>A hit the semantic cache served (the answer carried <c>X-Cache-Match</c>).</summary>
    public bool SemanticMatch { get; init; }

    public static QueryOutcome Transport => new(0, OutcomeKind.TransportError, null, null, false);

    public static OutcomeKind Classify(int status) => status switch
    {
        >= 200 and < 300 => OutcomeKind.Ok,
        429 => OutcomeKind.Throttled,
        503 => OutcomeKind.Shed,
        504 => OutcomeKind.TimedOut,
        _ => OutcomeKind.OtherStatus,
    };
}
