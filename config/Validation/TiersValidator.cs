using Gateway.Config.Options;
using Gateway.Config.Formats;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Tiers</c>: at least one tier, each with positive figures and a readable quota.</summary>
internal sealed class TiersValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        if (options.Tiers.Count == 0)
        {
            errors.Add($"{GatewayOptionsValidator.Root}:Tiers must define at least one tier.");
        }

        foreach (var (name, tier) in options.Tiers)
        {
            var key = $"{GatewayOptionsValidator.Root}:Tiers:{name}";
            if (tier is null)
            {
                errors.Add($"{key} is empty.");
                continue;
            }

            if (tier.TimeoutMs <= 0)
            {
                errors.Add($"{key}:TimeoutMs must be a positive number of milliseconds (got {tier.TimeoutMs}).");
            }

            errors.RequirePositive($"{key}:CacheTtlSeconds", tier.CacheTtlSeconds);
            errors.RequirePositive($"{key}:MaxQps", tier.MaxQps);

            if (tier.Burst is < 0)
            {
                errors.Add($"{key}:Burst must not be negative (got {tier.Burst}).");
            }

            if (tier.FairShareWeight is <= 0)
            {
                errors.Add($"{key}:FairShareWeight must be positive (got {tier.FairShareWeight}).");
            }

            if (tier.MaxConcurrency is <= 0)
            {
                errors.Add($"{key}:MaxConcurrency must be positive when set (got {tier.MaxConcurrency}).");
            }

            errors.RequirePositive($"{key}:MaxStreamSeconds", tier.MaxStreamSeconds);

            if (tier.MaxBurstFactor is { } maxBurst && !(maxBurst >= 1 && maxBurst <= TierOptions.MaxBurstFactorLimit))
            {
                errors.Add($"{key}:MaxBurstFactor must be between 1 (no burst grants) and {TierOptions.MaxBurstFactorLimit} (got {maxBurst}).");
            }

            if (!ByteSize.TryParse(tier.CacheQuota, out _))
            {
                errors.Add($"{key}:CacheQuota '{tier.CacheQuota}' is not a size such as 40GB or 512KB.");
            }
        }
    }
}
