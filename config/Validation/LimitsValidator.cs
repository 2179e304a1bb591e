using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Limits</c>: every request limit handed to Kestrel must be positive.</summary>
internal sealed class LimitsValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Limits";
        var limits = options.Limits;
        if (limits.MaxRequestBodyBytes <= 0)
        {
            errors.Add($"{key}:MaxRequestBodyBytes must be positive.");
        }

        RequirePositive(errors, $"{key}:RequestHeadersTimeoutSeconds", limits.RequestHeadersTimeoutSeconds);
        RequirePositive(errors, $"{key}:MaxRequestHeadersTotalBytes", limits.MaxRequestHeadersTotalBytes);
        RequirePositive(errors, $"{key}:MaxRequestHeaderCount", limits.MaxRequestHeaderCount);
        RequirePositive(errors, $"{key}:MaxRequestLineBytes", limits.MaxRequestLineBytes);
    }

    private static void RequirePositive(ICollection<string> errors, string key, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{key} must be positive (got {value}).");
        }
    }
}
