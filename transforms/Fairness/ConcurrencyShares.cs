namespace Gateway.Transforms.Fairness;

/// <summary>
/// The weighted concurrency share of a tenant on one cluster, and whether it may take a free slot. Pure functions, so
/// the rules can be read (and tested) apart from the queue's bookkeeping.
/// </summary>
/// <remarks>
/// <para>
/// A tenant's share is <c>max(1, ⌊capacity × weight / active weight⌋)</c>, where the active weight sums the weights of
/// the tenants active on the cluster (something in flight or queued, or a request within <c>IdleAfterMs</c>). Every
/// active tenant therefore has at least one slot, and a tenant alone on the cluster has all of them.
/// </para>
/// <para>
/// Below its share a tenant may take any free slot. Above it, it may only borrow: take a free slot when more slots are
/// free than the other active tenants' unused shares, which stay free for them. That is work-conserving (slots nobody
/// has a claim on are used) while a tenant that comes back finds its share waiting instead of queueing behind a
/// borrower. A tier's <c>MaxConcurrency</c>, when set, caps the tenant whatever the shares say.
/// </para>
/// </remarks>
internal static class ConcurrencyShares
{
    /// <summary>The share of a tenant of <paramref name="weight"/> among active tenants weighing <paramref name="activeWeight"/> in total (its own included).</summary>
    public static int Of(int capacity, int weight, long activeWeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(weight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(activeWeight, weight);
        return (int)Math.Max(1, capacity * (long)weight / activeWeight);
    }

    /// <summary>Whether, and on what claim, a tenant may take one of <paramref name="free"/> slots now.</summary>
    /// <param name="inFlight">The tenant's requests in flight on the cluster.</param>
    /// <param name="share">Its share (<see cref="Of"/>).</param>
    /// <param name="hardCap">Its tier's <c>MaxConcurrency</c>, or null.</param>
    /// <param name="free">Slots free on the cluster.</param>
    /// <param name="reservedForOthers">The other active tenants' unused shares: <c>Σ max(0, share − in flight)</c>.</param>
    public static SlotClaim Claim(int inFlight, int share, int? hardCap, int free, int reservedForOthers)
    {
        if (free <= 0 || (hardCap is { } cap && inFlight >= cap))
        {
            return SlotClaim.None;
        }

        if (inFlight < share)
        {
            return SlotClaim.Share;
        }

        return free > reservedForOthers ? SlotClaim.Borrow : SlotClaim.None;
    }
}

/// <summary>On what claim a tenant takes a slot; a higher claim is served first.</summary>
internal enum SlotClaim
{
    /// <summary>It may not take a slot now.</summary>
    None = 0,

    /// <summary>Above its share, on a slot no other active tenant has a claim on.</summary>
    Borrow = 1,

    /// <summary>Within its share.</summary>
    Share = 2,
}
