using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Limits</c>: request limits handed to Kestrel, the buffered-body budget and the stream idle timeout.</summary>
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
        errors.RequirePositive($"{key}:MaxBufferedBytes", limits.MaxBufferedBytes);
        if (limits.MaxRequestBufferBytes < Math.Max(limits.MaxRequestHeadersTotalBytes, limits.MaxRequestLineBytes))
        {
            errors.Add($"{key}:MaxRequestBufferBytes must hold the request line and the headers: at least {Math.Max(limits.MaxRequestHeadersTotalBytes, limits.MaxRequestLineBytes)} (got {limits.MaxRequestBufferBytes}).");
        }

        if (!(limits.TenantBufferedShare > 0 && limits.TenantBufferedShare <= 1))
        {
            errors.Add($"{key}:TenantBufferedShare must be a share in (0, 1] (got {limits.TenantBufferedShare}).");
        }

        if (limits.MaxConcurrentConnections < 0)
        {
            errors.Add($"{key}:MaxConcurrentConnections must not be negative; 0 means no limit (got {limits.MaxConcurrentConnections}).");
        }

        if (!(limits.MinRequestBodyDataRate >= 0))
        {
            errors.Add($"{key}:MinRequestBodyDataRate must not be negative; 0 turns it off (got {limits.MinRequestBodyDataRate}).");
        }

        errors.RequirePositive($"{key}:MinRequestBodyDataRateGraceSeconds", limits.MinRequestBodyDataRateGraceSeconds);
        errors.RequirePositive($"{key}:StreamIdleSeconds", limits.StreamIdleSeconds);
    }
}
