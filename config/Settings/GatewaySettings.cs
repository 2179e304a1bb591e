using System.Collections.Frozen;
using Gateway.Config.Options;
using Gateway.Config.Tiers;

namespace Gateway.Config.Settings;

/// <summary>One validated, immutable view of the whole <c>Gateway</c> section. Stages read it per request.</summary>
public sealed class GatewaySettings
{
    private readonly FrozenSet<string> _cacheAccessAudited;

    internal GatewaySettings(GatewayOptions options, TierTable table, long version, FrozenSet<string> cacheAccessAudited)
    {
        Options = options;
        Table = table;
        Version = version;
        _cacheAccessAudited = cacheAccessAudited;
    }

    /// <summary>The bound options. Treat as read-only: a reload builds a new instance.</summary>
    public GatewayOptions Options { get; }

    /// <summary>Tier and tenant tables.</summary>
    public TierTable Table { get; }

    /// <summary>Increases with every accepted reload, so caches keyed on settings can tell they are stale.</summary>
    public long Version { get; }

    /// <summary>
    /// Whether <paramref name="tenantId"/>'s cache lookups go to the audit trail (<c>Gateway:Tenants:{id}:AuditCacheAccess</c>).
    /// Costs one empty-set check for every other request.
    /// </summary>
    public bool AuditsCacheAccess(string tenantId) => _cacheAccessAudited.Count > 0 && _cacheAccessAudited.Contains(tenantId);
}
