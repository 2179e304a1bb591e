namespace Gateway.Transforms.Infrastructure.Context;

/// <summary>Telemetry labels of <see cref="ThrottleDecision"/>.</summary>
internal static class ThrottleDecisionNames
{
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
