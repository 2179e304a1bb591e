using Gateway.Transforms.Infrastructure.TenantLimits;

namespace Gateway.Transforms.Throttling;

/// <summary>
/// The figures one admission is decided with: the steady rate and the bucket size (requests admitted at once
/// from idle). Over any interval of length D a tenant is admitted at most <c>Rate × D + Burst</c> requests.
/// </summary>
/// <param name="Rate">Admitted requests per second; fractional when auto-throttled or split across nodes.</param>
/// <param name="Burst">Bucket size, at least 1.</param>
internal readonly record struct RateLimitPolicy(double Rate, int Burst)
{
    /// <summary>The policy that admits at <paramref name="limit"/>, the tenant's limit in force.</summary>
    public static RateLimitPolicy From(EffectiveLimit limit) => new(limit.Rate, limit.Burst);

    /// <summary>This node's share when <paramref name="nodes"/> nodes each fall back to a local limit.</summary>
    public RateLimitPolicy PerNode(int nodes) =>
        nodes <= 1 ? this : new RateLimitPolicy(Rate / nodes, Math.Max(1, Burst / nodes));
}
