using Gateway.Config.Options;

namespace Gateway.Config.Validation;

/// <summary><c>Gateway:Cache</c>: positive size caps, a quota threshold in (0, 1], header names in <c>VaryHeaders</c>, a near-cache size of 0 or more.</summary>
internal sealed class CacheValidator : IOptionsSectionValidator
{
    public void Validate(GatewayOptions options, ICollection<string> errors)
    {
        const string key = $"{GatewayOptionsValidator.Root}:Cache";
        var cache = options.Cache;
        if (cache.MaxEntryBytes <= 0)
        {
            errors.Add($"{key}:MaxEntryBytes must be positive.");
        }

        if (cache.QuotaWriteThreshold is <= 0 or > 1)
        {
            errors.Add($"{key}:QuotaWriteThreshold must be in (0, 1].");
        }

        errors.RequirePositive($"{key}:MaxRequestBodyBytes", cache.MaxRequestBodyBytes);
        errors.RequirePositive($"{key}:EmbeddedMaxBytes", cache.EmbeddedMaxBytes);
        if (cache.NearCacheBytes < 0)
        {
            errors.Add($"{key}:NearCacheBytes must be 0 (off) or positive.");
        }

        for (var i = 0; i < cache.VaryHeaders.Count; i++)
        {
            var header = cache.VaryHeaders[i];
            if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                errors.Add($"{key}:VaryHeaders:{i} '{header}' is not a header name.");
            }
        }
    }
}
