namespace Gateway.Config.Options;

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
