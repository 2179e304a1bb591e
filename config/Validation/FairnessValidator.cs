using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Fairness</c>: queue bounds, idle time, auto-throttle share, factor and cool-down, shed margin.</summary>
internal sealed class FairnessValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Fairness";
        var fairness = options.Fairness;
        errors.RequirePositive($"{key}:MaxInFlight", fairness.MaxInFlight);

        if (fairness.MaxQueuePerTenant < 0)
        {
            errors.Add($"{key}:MaxQueuePerTenant must not be negative (got {fairness.MaxQueuePerTenant}).");
        }

        errors.RequirePositive($"{key}:IdleAfterMs", fairness.IdleAfterMs);

        if (!(fairness.AutoThrottleShare > 0 && fairness.AutoThrottleShare <= 1))
        {
            errors.Add($"{key}:AutoThrottleShare must be a share of the slot-time in (0, 1] (got {fairness.AutoThrottleShare}).");
        }

        if (!(fairness.AutoThrottleFactor > 0 && fairness.AutoThrottleFactor <= 1))
        {
            errors.Add($"{key}:AutoThrottleFactor must be in (0, 1] (got {fairness.AutoThrottleFactor}).");
        }

        if (fairness.AutoThrottleCooldownSeconds < 1)
        {
            errors.Add($"{key}:AutoThrottleCooldownSeconds must be at least 1 (got {fairness.AutoThrottleCooldownSeconds}).");
        }

        if (fairness.ShedMarginMs < 0)
        {
            errors.Add($"{key}:ShedMarginMs must not be negative (got {fairness.ShedMarginMs}).");
        }
    }
}
