using Gateway.Config.Settings;

namespace Gateway.Config.Reload;

/// <summary>The current validated settings; the reference changes atomically on an accepted reload.</summary>
public interface IGatewaySettings
{
    /// <summary>The settings in force now. Read once per request and keep the reference.</summary>
    GatewaySettings Current { get; }

    /// <summary>Raised after a reload was accepted.</summary>
    event Action<GatewaySettings>? Changed;

    /// <summary>Raised after a reload was rejected; the argument lists the problems.</summary>
    event Action<IReadOnlyList<string>>? Rejected;
}
