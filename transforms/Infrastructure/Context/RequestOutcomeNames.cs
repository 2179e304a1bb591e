namespace Gateway.Transforms.Infrastructure.Context;

/// <summary>Metric label values of <see cref="RequestOutcome"/>.</summary>
internal static class RequestOutcomeNames
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
