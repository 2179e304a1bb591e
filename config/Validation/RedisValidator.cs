using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Redis</c>: positive budgets and a circuit breaker that can open and close.</summary>
internal sealed class RedisValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Redis";
        var redis = options.Redis;
        if (redis.OperationTimeoutMs <= 0)
        {
            errors.Add($"{key}:OperationTimeoutMs must be positive.");
        }

        errors.RequirePositive($"{key}:ConnectTimeoutMs", redis.ConnectTimeoutMs);

        if (redis.BreakerFailureThreshold < 1)
        {
            errors.Add($"{key}:BreakerFailureThreshold must be at least 1 (got {redis.BreakerFailureThreshold}).");
        }

        errors.RequirePositive($"{key}:BreakerCooldownMs", redis.BreakerCooldownMs);
    }
}
