using Gateway.Config.Options;

namespace Gateway.Config.Tiers;

/// <summary>Validates <see cref="GatewayOptions"/> and turns them into <see cref="GatewaySettings"/>.</summary>
/// <remarks>Validation collects every error with the configuration key it concerns, so one log line tells an operator all that is wrong.</remarks>
public static class GatewaySettingsBuilder
{
    private const string Root = GatewayOptions.SectionName;

    /// <summary>Returns the problems found, each naming its configuration key; empty when the options are valid.</summary>
    public static IReadOnlyList<string> Validate(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ValidateTiers(options, errors);
        ValidateTenants(options, errors);
        ValidateJwt(options.Jwt, errors);
        ValidateStores(options, errors);
        return errors;
    }

    /// <summary>Builds a snapshot, or returns false with the errors.</summary>
    public static bool TryBuild(GatewayOptions options, long version, out GatewaySettings? settings, out IReadOnlyList<string> errors)
    {
        errors = Validate(options);
        if (errors.Count > 0)
        {
            settings = null;
            return false;
        }

        var tiers = options.Tiers.ToDictionary(kv => kv.Key, kv => ToTier(kv.Key, kv.Value), StringComparer.Ordinal);
        var tenants = options.Tenants.ToDictionary(kv => kv.Key, kv => tiers[kv.Value.Tier], StringComparer.Ordinal);
        var defaultTier = string.IsNullOrEmpty(options.DefaultTier) ? null : tiers[options.DefaultTier];
        settings = new GatewaySettings(options, new TierTable(tiers, tenants, defaultTier), version);
        return true;
    }

    private static Tier ToTier(string name, TierOptions o)
    {
        ByteSize.TryParse(o.CacheQuota, out var quota);
        var burst = o.Burst ?? Math.Max(1, o.MaxQps / 10);
        return new Tier(
            name,
            TimeSpan.FromMilliseconds(o.TimeoutMs),
            TimeSpan.FromSeconds(o.CacheTtlSeconds),
            o.MaxQps,
            burst,
            quota,
            o.FairShareWeight ?? 1);
    }

    private static void ValidateTiers(GatewayOptions options, List<string> errors)
    {
        if (options.Tiers.Count == 0)
        {
            errors.Add($"{Root}:Tiers must define at least one tier.");
        }

        foreach (var (name, tier) in options.Tiers)
        {
            var key = $"{Root}:Tiers:{name}";
            if (tier is null)
            {
                errors.Add($"{key} is empty.");
                continue;
            }

            if (tier.TimeoutMs <= 0)
            {
                errors.Add($"{key}:TimeoutMs must be a positive number of milliseconds (got {tier.TimeoutMs}).");
            }

            if (tier.CacheTtlSeconds <= 0)
            {
                errors.Add($"{key}:CacheTtlSeconds must be positive (got {tier.CacheTtlSeconds}).");
            }

            if (tier.MaxQps <= 0)
            {
                errors.Add($"{key}:MaxQps must be positive (got {tier.MaxQps}).");
            }

            if (tier.Burst is < 0)
            {
                errors.Add($"{key}:Burst must not be negative (got {tier.Burst}).");
            }

            if (tier.FairShareWeight is <= 0)
            {
                errors.Add($"{key}:FairShareWeight must be positive (got {tier.FairShareWeight}).");
            }

            if (!ByteSize.TryParse(tier.CacheQuota, out _))
            {
                errors.Add($"{key}:CacheQuota '{tier.CacheQuota}' is not a size such as 40GB or 512KB.");
            }
        }
    }

    private static void ValidateTenants(GatewayOptions options, List<string> errors)
    {
        foreach (var (tenantId, tenant) in options.Tenants)
        {
            var key = $"{Root}:Tenants:{tenantId}";
            if (!TenantId.IsValid(tenantId))
            {
                errors.Add($"{key}: tenant ids are 1-{TenantId.MaxLength} letters, digits, '.', '_' or '-'.");
            }

            if (tenant is null || string.IsNullOrWhiteSpace(tenant.Tier))
            {
                errors.Add($"{key}:Tier is missing.");
            }
            else if (!options.Tiers.ContainsKey(tenant.Tier))
            {
                errors.Add($"{key}:Tier '{tenant.Tier}' is not a defined tier ({string.Join(", ", options.Tiers.Keys)}).");
            }
        }

        if (!string.IsNullOrEmpty(options.DefaultTier) && !options.Tiers.ContainsKey(options.DefaultTier))
        {
            errors.Add($"{Root}:DefaultTier '{options.DefaultTier}' is not a defined tier.");
        }
    }

    private static void ValidateJwt(JwtOptions jwt, List<string> errors)
    {
        const string key = $"{Root}:Jwt";
        if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            errors.Add($"{key}:Issuer is required.");
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            errors.Add($"{key}:Audience is required.");
        }

        if (string.IsNullOrEmpty(jwt.SigningKey) && jwt.PublicKeys.Count == 0 && string.IsNullOrWhiteSpace(jwt.Authority))
        {
            errors.Add($"{key}: configure SigningKey, PublicKeys or Authority so tokens can be verified.");
        }

        if (!string.IsNullOrEmpty(jwt.SigningKey) && System.Text.Encoding.UTF8.GetByteCount(jwt.SigningKey) < 32)
        {
            errors.Add($"{key}:SigningKey must be at least 32 bytes for HS256.");
        }

        for (var i = 0; i < jwt.PublicKeys.Count; i++)
        {
            if (!PemKeys.TryLoad(jwt.PublicKeys[i], out _, out var reason))
            {
                errors.Add($"{key}:PublicKeys:{i} is not a usable PEM public key ({reason}).");
            }
        }

        if (!string.IsNullOrWhiteSpace(jwt.Authority) && !Uri.TryCreate(jwt.Authority, UriKind.Absolute, out _))
        {
            errors.Add($"{key}:Authority '{jwt.Authority}' is not an absolute URI.");
        }

        if (string.IsNullOrWhiteSpace(jwt.TenantClaim))
        {
            errors.Add($"{key}:TenantClaim must not be empty.");
        }

        if (jwt.ClockSkewSeconds is < 0 or > 300)
        {
            errors.Add($"{key}:ClockSkewSeconds must be between 0 and 300 (got {jwt.ClockSkewSeconds}).");
        }
    }

    private static void ValidateStores(GatewayOptions options, List<string> errors)
    {
        if (options.Redis.OperationTimeoutMs <= 0)
        {
            errors.Add($"{Root}:Redis:OperationTimeoutMs must be positive.");
        }

        if (options.Cache.MaxEntryBytes <= 0)
        {
            errors.Add($"{Root}:Cache:MaxEntryBytes must be positive.");
        }

        if (options.Cache.QuotaWriteThreshold is <= 0 or > 1)
        {
            errors.Add($"{Root}:Cache:QuotaWriteThreshold must be in (0, 1].");
        }

        if (options.Cache.MaxRequestBodyBytes <= 0)
        {
            errors.Add($"{Root}:Cache:MaxRequestBodyBytes must be positive (got {options.Cache.MaxRequestBodyBytes}).");
        }

        for (var i = 0; i < options.Cache.VaryHeaders.Count; i++)
        {
            var header = options.Cache.VaryHeaders[i];
            if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                errors.Add($"{Root}:Cache:VaryHeaders:{i} '{header}' is not a header name.");
            }
        }

        ValidateThrottling(options.Throttling, errors);
        ValidateFairness(options.Fairness, errors);

        if (options.Limits.MaxRequestBodyBytes <= 0)
        {
            errors.Add($"{Root}:Limits:MaxRequestBodyBytes must be positive.");
        }
    }

    private static void ValidateThrottling(ThrottlingOptions throttling, List<string> errors)
    {
        const string key = $"{Root}:Throttling";
        if (throttling.ExpectedNodes <= 0)
        {
            errors.Add($"{key}:ExpectedNodes must be positive (got {throttling.ExpectedNodes}).");
        }

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

    private static void ValidateFairness(FairnessOptions fairness, List<string> errors)
    {
        const string key = $"{Root}:Fairness";
        if (fairness.MaxInFlight <= 0)
        {
            errors.Add($"{key}:MaxInFlight must be positive (got {fairness.MaxInFlight}).");
        }

        if (fairness.MaxQueuePerTenant < 0)
        {
            errors.Add($"{key}:MaxQueuePerTenant must not be negative (got {fairness.MaxQueuePerTenant}).");
        }

        if (!(fairness.AutoThrottleShare > 0 && fairness.AutoThrottleShare <= 1))
        {
            errors.Add($"{key}:AutoThrottleShare must be a share of the capacity in (0, 1] (got {fairness.AutoThrottleShare}).");
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
