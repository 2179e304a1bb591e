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

    /// <summary>
    /// A tenant with nothing in flight or queued on a cluster for this long no longer counts as active there: its
    /// weighted share of <see cref="MaxInFlight"/> is no longer held free for it, and the others may borrow it.
    /// </summary>
    public int IdleAfterMs { get; set; } = 2000;

    /// <summary>
    /// Share of the cluster's recent slot-time (seconds its slots were held, over the last ten seconds or so) above which a
    /// tenant that wants still more while others wait counts as starving them.
    /// </summary>
    public double AutoThrottleShare { get; set; } = 0.5;

    /// <summary>
    /// Factor applied to an offending tenant's rate while it is auto-throttled: its limit becomes this times the lower of its
    /// tier's rate and the rate it was sending at, and again after each further five seconds of offending.
    /// </summary>
    public double AutoThrottleFactor { get; set; } = 0.5;

    /// <summary>Quiet time after which an auto-throttled tenant gets its full limit back.</summary>
    public int AutoThrottleCooldownSeconds { get; set; } = 30;

    /// <summary>
    /// Safety margin before the tier deadline: a queued request that could not be dispatched at least this long
    /// (plus the expected upstream time) before its deadline is shed with 503 instead of running into the 504.
    /// </summary>
    public int ShedMarginMs { get; set; } = 10;
}
