using System.Diagnostics.Metrics;
using Gateway.Config.Options;
using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Config.Tiers;
using Gateway.Transforms.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Throttling;

/// <summary>An <see cref="IGatewaySettings"/> for unit tests: valid options with three tenants, editable and re-publishable.</summary>
internal sealed class ThrottlingTestSettings : IGatewaySettings
{
    public const string Gold = "tenant-gold";
    public const string Silver = "tenant-silver";
    public const string Platinum = "tenant-platinum";

    private long _version;

    public ThrottlingTestSettings(Action<GatewayOptions>? configure = null)
    {
        Current = Build(configure);
    }

    public GatewaySettings Current { get; private set; }

    public event Action<GatewaySettings>? Changed;

    public event Action<IReadOnlyList<string>>? Rejected;

    /// <summary>Replaces the settings as a reload would.</summary>
    public void Reload(Action<GatewayOptions>? configure)
    {
        Current = Build(configure);
        Changed?.Invoke(Current);
    }

    public Tier TierOf(string tenantId) =>
        Current.Table.TryResolve(tenantId, out var tenant) ? tenant.Tier : throw new InvalidOperationException(tenantId);

    /// <summary>Metrics backed by a real meter factory, so <c>MetricCollector</c> can observe them.</summary>
    public (GatewayMetrics Metrics, IMeterFactory Factory) CreateMetrics()
    {
        var factory = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return (new GatewayMetrics(factory, this), factory);
    }

    private GatewaySettings Build(Action<GatewayOptions>? configure)
    {
        var options = new GatewayOptions
        {
            Jwt = new JwtOptions { Issuer = "issuer", Audience = "audience", SigningKey = "unit-test-signing-key-0123456789abcdef" },
            Tenants = new Dictionary<string, TenantOptions>(StringComparer.Ordinal)
            {
                [Platinum] = new() { Tier = "platinum" },
                [Gold] = new() { Tier = "gold" },
                [Silver] = new() { Tier = "silver" },
            },
        };
        configure?.Invoke(options);
        if (!GatewaySettingsBuilder.TryBuild(options, ++_version, out var settings, out var errors))
        {
            Rejected?.Invoke(errors);
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        return settings!;
    }
}
