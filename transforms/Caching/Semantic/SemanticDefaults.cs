namespace Gateway.Transforms.Caching.Semantic;

/// <summary>Defaults chosen from the measured evaluation (see REPORT.md).</summary>
public static class SemanticDefaults
{
    /// <summary>
    /// Default <c>SemanticThreshold</c>: the best recall, with the detail guard, among the thresholds
    /// that served none of the evaluation's hard negatives. The evaluation test fails if this drifts
    /// from what the data supports.
    /// </summary>
    public const float Threshold = 0.70f;

    /// <summary>Default <c>SemanticField</c>.</summary>
    public const string Field = "/query";
}
