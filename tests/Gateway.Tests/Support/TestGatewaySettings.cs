using Gateway.Config.Options;
using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Config.Tiers;

namespace Gateway.Tests.Support;

/// <summary>
/// The <see cref="IGatewaySettings"/> of unit tests: starts from <see cref="ValidOptions"/> (three tenants, one per
/// default tier) and can publish a new snapshot (higher version, <see cref="Changed"/> raised) as an accepted reload
/// would, or raise <see cref="Rejected"/> as a refused one would.
/// </summary>
internal sealed class TestGatewaySettings : IGatewaySettings
{
    public const string Issuer = "unit-issuer";
    public const string Audience = "unit-audience";
    public const string SigningKey = "unit-test-hs256-signing-key-0123456789abcdef";

    /// <summary>The platinum tenant.</summary>
    public const string Platinum = "tenant-a";

    /// <summary>The gold tenant.</summary>
    public const string Gold = "tenant-b";

    /// <summary>The silver tenant.</summary>
    public const string Silver = "tenant-s";

    private long _version;

    public TestGatewaySettings(Action<GatewayOptions>? configure = null)
    {
        Current = Build(configure);
    }

    public GatewaySettings Current { get; private set; }

    public event Action<GatewaySettings>? Changed;

    public event Action<IReadOnlyList<string>>? Rejected;

    /// <summary>Options that pass validation: test JWT settings, default tiers, one tenant per tier.</summary>
    public static GatewayOptions ValidOptions() => new()
    {
        Jwt = new JwtOptions { Issuer = Issuer, Audience = Audience, SigningKey = SigningKey, AllowSharedSecret = true },
        Tenants = new Dictionary<string, TenantOptions>(StringComparer.Ordinal)
        {
            [Platinum] = new() { Tier = "platinum" },
            [Gold] = new() { Tier = "gold" },
            [Silver] = new() { Tier = "silver" },
        },
    };

    /// <summary>Publishes new settings built from <see cref="ValidOptions"/> and <paramref name="configure"/>, as an accepted reload.</summary>
    public void Reload(Action<GatewayOptions>? configure = null)
    {
        Current = Build(configure);
        Changed?.Invoke(Current);
    }

    /// <summary>Raises <see cref="Rejected"/> as a refused reload would.</summary>
    public void Reject(params string[] errors) => Rejected?.Invoke(errors);

    /// <summary>The tier <paramref name="tenantId"/> resolves to now.</summary>
    public Tier TierOf(string tenantId) =>
        Current.Table.TryResolve(tenantId, out var tenant) ? tenant.Tier : throw new InvalidOperationException(tenantId);

    private GatewaySettings Build(Action<GatewayOptions>? configure)
    {
        var options = ValidOptions();
        configure?.Invoke(options);
        return GatewaySettingsBuilder.TryBuild(options, ++_version, out var settings, out var errors)
            ? settings!
            : throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
    }
}
