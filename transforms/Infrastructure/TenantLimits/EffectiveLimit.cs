using Gateway.Config.Tiers;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>The limit a tenant is admitted at now: its tier's rate and burst times every factor in force.</summary>
/// <param name="Rate">Requests per second: the tier's <c>MaxQps</c> times <paramref name="Factor"/>.</param>
/// <param name="Burst">Requests admitted at once: the tier's <c>Burst</c> times <paramref name="Factor"/>, at least 1.</param>
/// <param name="Factor">
/// Product of the factors in force: 1 normally, the auto-throttle factor while throttled, times the burst grant's
/// factor while one is in force.
/// </param>
/// <param name="AutoThrottled">Whether the auto-throttle's factor is one of them.</param>
/// <param name="BurstFactor">The burst grant's factor included in <paramref name="Factor"/> (1 without a grant).</param>
internal readonly record struct EffectiveLimit(double Rate, int Burst, double Factor, bool AutoThrottled, double BurstFactor = 1)
{
    /// <summary><paramref name="tier"/>'s figures scaled by <paramref name="factor"/>: the one place a tier's limit is multiplied.</summary>
    public static EffectiveLimit Of(Tier tier, double factor, bool autoThrottled = false, double burstFactor = 1)
    {
        ArgumentNullException.ThrowIfNull(tier);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(factor, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(burstFactor, 1);
        var total = factor * burstFactor;
        return new EffectiveLimit(tier.MaxQps * total, Math.Max(1, (int)(tier.Burst * total)), total, autoThrottled, burstFactor);
    }
}
