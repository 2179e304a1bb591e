using Gateway.Config.Tiers;

namespace Gateway.Transforms.Fairness;

/// <summary>One tenant's share of one cluster's queue: its FIFO of waiting requests, its in-flight count and its WFQ tag.</summary>
/// <remarks>Every member is read and written under the owning <see cref="FairQueue"/>'s lock.</remarks>
internal sealed class TenantLane
{
    public TenantLane(string tenantId, string label, Tier tier)
    {
        TenantId = tenantId;
        Label = label;
        Tier = tier;
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

    /// <summary>Virtual finish tag of the lane's newest queued request.</summary>
    public double LastFinish { get; set; }
}
