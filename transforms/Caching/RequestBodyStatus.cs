namespace Gateway.Transforms.Caching;

/// <summary>How reading the request body for the key went.</summary>
internal enum RequestBodyStatus
{
    /// <summary>Read completely; the body is left replayable for the upstream.</summary>
    Complete,

    /// <summary>Over <c>Gateway:Cache:MaxRequestBodyBytes</c>: bypass, the body is forwarded untouched.</summary>
    TooLarge,

    /// <summary>The client sent less than it declared or the connection failed.</summary>
    Unreadable,

    /// <summary>The node's buffered-body budget (or the tenant's share of it) refused the body: answer 503.</summary>
    OverBudget,
}
