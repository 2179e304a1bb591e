using System.Collections.Frozen;

namespace Gateway.Config.Tiers;

/// <summary>Immutable snapshot of the tier and tenant tables; swapped atomically on reload.</summary>
public sealed class TierTable
{
    private readonly FrozenDictionary<string, Tier> _tenants;

    /// <summary>Creates a snapshot. Callers validate first; see <see cref="Settings.GatewaySettingsBuilder"/>.</summary>
    public TierTable(IReadOnlyDictionary<string, Tier> tiers, IReadOnlyDictionary<string, Tier> tenants, Tier? defaultTier)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        ArgumentNullException.ThrowIfNull(tenants);
        Tiers = tiers.ToFrozenDictionary(StringComparer.Ordinal);
        _tenants = tenants.ToFrozenDictionary(StringComparer.Ordinal);
        DefaultTier = defaultTier;
    }

    /// <summary>Tiers by name.</summary>
    public FrozenDictionary<string, Tier> Tiers { get; }

    /// <summary>Tier given to tenants missing from the table, if any.</summary>
    public Tier? DefaultTier { get; }

    /// <summary>Tenant ids listed in configuration. Metric labels come only from this set.</summary>
    public IEnumerable<string> TenantIds => _tenants.Keys;

    /// <summary>Whether <paramref name="tenantId"/> is listed explicitly.</summary>
    public bool IsKnownTenant(string tenantId) => _tenants.ContainsKey(tenantId);

    /// <summary>Resolves a tenant's tier; false when it is unknown and no default tier is configured.</summary>
    public bool TryResolve(string tenantId, out TenantTier resolved)
    {
        if (_tenants.TryGetValue(tenantId, out var tier))
        {
            resolved = new TenantTier(tenantId, tier, ViaDefaultTier: false);
            return true;
        }

        if (DefaultTier is not null)
        {
            resolved = new TenantTier(tenantId, DefaultTier, ViaDefaultTier: true);
            return true;
        }

        resolved = default;
        return false;
    }
}
