using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Throttling</c>: node count, hot-tenant threshold and window, Redis budget.</summary>
internal sealed class ThrottlingValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Throttling";
        var throttling = options.Throttling;
        errors.RequirePositive($"{key}:ExpectedNodes", throttling.ExpectedNodes);

        if (!(throttling.HotThreshold > 0 && throttling.HotThreshold <= 10))
        {
            errors.Add($"{key}:HotThreshold must be a share of the limit in (0, 10] (got {throttling.HotThreshold}).");
        }

        if (throttling.HotWindowSeconds is < 1 or > 300)
        {
            errors.Add($"{key}:HotWindowSeconds must be between 1 and 300 (got {throttling.HotWindowSeconds}).");
        }

        if (throttling.RedisBudgetMs is < 1 or > 1000)
        {
            errors.Add($"{key}:RedisBudgetMs must be between 1 and 1000 (got {throttling.RedisBudgetMs}).");
        }
    }
}
