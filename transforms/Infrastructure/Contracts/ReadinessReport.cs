namespace Gateway.Transforms.Infrastructure.Contracts;

/// <summary>State of one component.</summary>
/// <param name="Component">Name shown on <c>/readyz</c>, for example <c>redis</c>.</param>
/// <param name="Status"><c>ok</c>, <c>degraded</c> (serving with reduced function) or <c>unavailable</c> (not ready).</param>
/// <param name="Detail">One line for an operator.</param>
public sealed record ReadinessReport(string Component, string Status, string? Detail = null)
{
    /// <summary>Serving normally.</summary>
    public const string Ok = "ok";

    /// <summary>Serving with reduced function (for example cache bypassed while Redis is down).</summary>
    public const string Degraded = "degraded";

    /// <summary>Not able to serve.</summary>
    public const string Unavailable = "unavailable";
}
