using Gateway.Config.Options;
using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Config.Tiers;

namespace Gateway.Benchmarks;

/// <summary>A fixed settings snapshot (no file, no reload) for the benchmarked stages.</summary>
internal sealed class BenchSettings : IGatewaySettings
{
    public const string SigningKey = "benchmark-signing-key-0123456789abcdef0123";

    public BenchSettings()
    {
        var options = new GatewayOptions
        {
            Jwt = new JwtOptions { Issuer = "bench", Audience = "rag-platform", SigningKey = SigningKey, AllowSharedSecret = true },
            Tenants = new(StringComparer.Ordinal) { ["acme"] = new TenantOptions { Tier = "platinum" } },
        };
        if (!GatewaySettingsBuilder.TryBuild(options, 1, out var settings, out var errors))
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        Current = settings!;
    }

    public GatewaySettings Current { get; }

    public event Action<GatewaySettings>? Changed { add { } remove { } }

    public event Action<IReadOnlyList<string>>? Rejected { add { } remove { } }
}
