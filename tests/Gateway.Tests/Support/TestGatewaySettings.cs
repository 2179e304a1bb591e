using Gateway.Config.Options;
using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Config.Tiers;

namespace Gateway.Tests.Support;

/// <summary>
/// An <see cref="IGatewaySettings"/> for unit tests: starts from <see cref="ValidOptions"/> and can publish a new
/// snapshot (higher version, <see cref="Changed"/> raised) as an accepted reload would.
/// </summary>
internal sealed class TestGatewaySettings : IGatewaySettings
{
    public const string Issuer = "unit-issuer";
    public const string Audience = "unit-audience";
    public const string SigningKey = "unit-test-hs256-signing-key-0123456789abcdef";

    private long _version;

    public TestGatewaySettings(Action<GatewayOptions>? configure = null)
    {
        Current = Build(configure);
    }

    public GatewaySettings Current { get; private set; }

    public event Action<GatewaySettings>? Changed;

    public event Action<IReadOnlyList<string>>? Rejected;

    /// <summary>Options that pass validation: test JWT settings, default tiers, tenants a (platinum), b (gold), s (silver).</summary>
    public static GatewayOptions ValidOptions() => new()
    {
        Jwt = new JwtOptions { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey },
        Tenants = new Dictionary<string, TenantOptions>(StringComparer.Ordinal)
        {
            ["tenant-a"] = new() { Tier = "platinum" },
            ["tenant-b"] = new() { Tier = "gold" },
            ["tenant-s"] = new() { Tier = "silver" },
        },
    };

    /// <summary>Publishes new settings built from <see cref="ValidOptions"/> and <paramref name="configure"/>.</summary>
    public void Publish(Action<GatewayOptions>? configure = null)
    {
        Current = Build(configure);
        Changed?.Invoke(Current);
    }

    /// <summary>Raises <see cref="Rejected"/> as a refused reload would.</summary>
    public void Reject(params string[] errors) => Rejected?.Invoke(errors);

    private GatewaySettings Build(Action<GatewayOptions>? configure)
    {
        var options = ValidOptions();
        configure?.Invoke(options);
        return GatewaySettingsBuilder.TryBuild(options, ++_version, out var settings, out var errors)
            ? settings!
            : throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
    }
}
