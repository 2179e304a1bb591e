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

        errors.RequirePositive($"{key}:RequestHeadersTimeoutSeconds", limits.RequestHeadersTimeoutSeconds);
        errors.RequirePositive($"{key}:MaxRequestHeadersTotalBytes", limits.MaxRequestHeadersTotalBytes);
        errors.RequirePositive($"{key}:MaxRequestHeaderCount", limits.MaxRequestHeaderCount);
        errors.RequirePositive($"{key}:MaxRequestLineBytes", limits.MaxRequestLineBytes);
    }
}
