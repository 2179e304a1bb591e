namespace Gateway.Config.Options;

/// <summary>The <c>Gateway</c> configuration section: everything the gateway decides per tenant.</summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Gateway";

    /// <summary>JWT validation: where the tenant comes from.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Tier definitions by name. Defaults are SPEC §2; entries in configuration override them field by field.</summary>
    public Dictionary<string, TierOptions> Tiers { get; set; } = TierOptions.CreateDefaults();

    /// <summary>Tenant to tier mapping by tenant id.</summary>
    public Dictionary<string, TenantOptions> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tier for tenants not listed in <see cref="Tenants"/>; unset means such tenants get 403.</summary>
    public string? DefaultTier { get; set; }

    /// <summary>Shared store. Empty configuration selects the embedded in-process store.</summary>
    public RedisOptions Redis { get; set; } = new();

    /// <summary>Response cache settings.</summary>
    public CacheOptions Cache { get; set; } = new();

    /// <summary>Embedding provider and vector index of the semantic cache (routes with <c>"SemanticCache": "true"</c>).</summary>
    public EmbeddingsOptions Embeddings { get; set; } = new();

    /// <summary>Rate limiting settings.</summary>
    public ThrottlingOptions Throttling { get; set; } = new();

    /// <summary>Fair sharing of upstream capacity.</summary>
    public FairnessOptions Fairness { get; set; } = new();

    /// <summary>Request size and time limits enforced at the edge.</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>The management listener (operator endpoints on their own port).</summary>
    public ManagementOptions Management { get; set; } = new();

    /// <summary>Limits on admin write actions.</summary>
    public AdminOptions Admin { get; set; } = new();

    /// <summary>The audit trail of admin actions.</summary>
    public AuditOptions Audit { get; set; } = new();
}
