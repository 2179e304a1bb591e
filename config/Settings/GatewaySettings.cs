using Gateway.Config.Options;
using Gateway.Config.Tiers;

namespace Gateway.Config.Settings;

/// <summary>One validated, immutable view of the whole <c>Gateway</c> section. Stages read it per request.</summary>
public sealed class GatewaySettings
{
    internal GatewaySettings(GatewayOptions options, TierTable table, long version)
    {
        Options = options;
        Table = table;
        Version = version;
    }

    /// <summary>The bound options. Treat as read-only: a reload builds a new instance.</summary>
    public GatewayOptions Options { get; }

    /// <summary>Tier and tenant tables.</summary>
    public TierTable Table { get; }

    /// <summary>Increases with every accepted reload, so caches keyed on settings can tell they are stale.</summary>
    public long Version { get; }
}
