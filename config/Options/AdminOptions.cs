namespace Gateway.Config.Options;

/// <summary>The <c>Gateway:Admin</c> section: limits on the admin API's write actions.</summary>
public sealed class AdminOptions
{
    /// <summary>
    /// Write actions (cache invalidations) accepted per tenant per minute, shared by every node through Redis. Up to this
    /// many back to back, then refilled at this rate; past it the answer is 429 with <c>Retry-After</c>.
    /// </summary>
    public int InvalidationsPerMinute { get; set; } = 6;
}
