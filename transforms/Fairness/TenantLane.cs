using Gateway.Config.Tiers;

namespace Gateway.Transforms.Fairness;

/// <summary>
/// One tenant's part of one cluster's queue: its FIFO of waiting requests, its in-flight count, the virtual time it
/// has been charged, its own service-time estimate and its recent slot-time.
/// </summary>
/// <remarks>Every member is read and written under the owning <see cref="FairQueue"/>'s lock.</remarks>
internal sealed class TenantLane
{
    public TenantLane(string tenantId, string label, Tier tier, long timestampFrequency)
    {
        TenantId = tenantId;
        Label = label;
        Tier = tier;
        SlotTime = new SlotTimeMeter(timestampFrequency);
    }

    public string TenantId { get; }

    /// <summary>Metric label (the tenant id, or <c>unknown</c> for tenants served through the default tier).</summary>
    public string Label { get; }

    /// <summary>Tier as of the tenant's latest request (a reload may change it).</summary>
    public Tier Tier { get; set; }

    /// <summary>Weight from the tier's <c>FairShareWeight</c>.</summary>
    public int Weight => Math.Max(1, Tier.FairShareWeight);

    /// <summary>Whether the lane is dropped when idle (tenants outside the configured table).</summary>
    public bool Ephemeral { get; init; }

    public LinkedList<QueuedRequest> Queue { get; } = new();

    public int InFlight { get; set; }

    /// <summary>
    /// Virtual time charged to the tenant so far: each slot it takes adds the expected service time over its weight, and
    /// the difference to the measured time is settled when the slot is given back.
    /// </summary>
    public double Charged { get; set; }

    /// <summary>This tenant's upstream service time on the cluster (its queries may be far slower than the others').</summary>
    public ServiceTimeEstimate ServiceTime { get; } = new();

    /// <summary>Slot-seconds held and requests offered recently, for the auto-throttle.</summary>
    public SlotTimeMeter SlotTime { get; }

    /// <summary>Timestamp of the tenant's latest arrival or release: it counts as active until <c>IdleAfterMs</c> after it.</summary>
    public long LastActive { get; set; }
}
