using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Hosting;
using LoadDriver.Scenarios;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using RagBackendSim;

namespace LoadDriver.Hosting;

/// <summary>What the driver starts: the simulated backend's shape and the gateway's protections.</summary>
/// <param name="Protections">Throttling and fair queuing on (the gateway as shipped) or off (the control).</param>
/// <param name="Redis">StackExchange.Redis configuration, or null for the embedded store.</param>
/// <param name="BackendCapacity">Queries the simulated backend serves at once; the rest wait FIFO.</param>
/// <param name="LatencyMedianMs">Backend service time median.</param>
/// <param name="LatencyP99Ms">Backend service time p99.</param>
/// <param name="FairMaxInFlight">Gateway:Fairness:MaxInFlight (requests in flight to the backend before the fair queue holds them).</param>
/// <param name="SpikeTier">Put the isolation spike tenant on a tier of its own limited to <c>spikeLimitQps</c> (isolation and smoke).</param>
/// <param name="Seed">The backend's random seed.</param>
/// <param name="Semantic">Turn the semantic cache on for the query route (the paraphrase scenario's second arm).</param>
/// <param name="SemanticBudgetMs">Gateway:Embeddings:BudgetMs when set.</param>
internal sealed record TestBedOptions(
    bool Protections,
    string? Redis,
    int BackendCapacity,
    double LatencyMedianMs,
    double LatencyP99Ms,
    int FairMaxInFlight,
    bool SpikeTier,
    int Seed = 42,
    bool Semantic = false,
    int? SemanticBudgetMs = null);

/// <summary>
/// The simulated RAG backend and the real gateway, both in this process on Kestrel at free 127.0.0.1 ports, the
/// gateway configured from the scenario file: its tenants and tiers, and the isolation spike tenant on a tier of
/// its own whose limit is <c>spikeLimitQps</c> when the scenario is the isolation schedule.
/// </summary>
internal sealed class TestBed : IAsyncDisposable
{
    private readonly WebApplication _backend;
    private readonly WebApplication _gateway;
    private readonly List<IDisposable> _owned;

    private TestBed(WebApplication backend, WebApplication gateway, List<IDisposable> owned, string configPath)
    {
        _backend = backend;
        _gateway = gateway;
        _owned = owned;
        ConfigPath = configPath;
        BackendUrl = AddressOf(backend);
        GatewayUrl = AddressOf(gateway);
    }

    public Uri GatewayUrl { get; }

    public Uri BackendUrl { get; }

    /// <summary>The gateway configuration file this bed was started with.</summary>
    public string ConfigPath { get; }

    /// <param name="workDir">Folder for the gateway configuration file and the log file.</param>
    /// <param name="name">Names the files (<c>gateway-isolation-on.json</c>).</param>
    public static async Task<TestBed> StartAsync(ResolvedRun run, TestBedOptions options, string workDir, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(workDir);
        var owned = new List<IDisposable>();

        // The simulator builds its own host (console logging); Warning keeps it quiet under load.
        var backend = RagBackend.Create(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"],
            o =>
            {
                o.Capacity = options.BackendCapacity;
                o.LatencyMedianMs = options.LatencyMedianMs;
                o.LatencyP99Ms = options.LatencyP99Ms;
                o.Seed = options.Seed;
            });
        WebApplication? gateway = null;
        try
        {
            await backend.StartAsync(cancellationToken);
            var configPath = Path.Combine(workDir, $"gateway-{name}.json");
            var config = GatewayConfig(run, options, AddressOf(backend));
            await File.WriteAllTextAsync(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);

            var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0", "--config", configPath]);
            var gatewayLog = new FileLoggerProvider(Path.Combine(workDir, "servers.log"), $"gateway {name}", LogLevel.Warning);
            owned.Add(gatewayLog);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(gatewayLog);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddGateway();
            gateway = builder.Build();
            gateway.MapGateway();
            await gateway.StartAsync(cancellationToken);
            return new TestBed(backend, gateway, owned, configPath);
        }
        catch
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            await backend.DisposeAsync();
            owned.ForEach(d => d.Dispose());
            throw;
        }
    }

    /// <summary>Name of the tier the driver gives the spike tenant, so its limit is <c>spikeLimitQps</c>.</summary>
    public static string SpikeTierName(ResolvedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var iso = run.File.Scenarios.Isolation!;
        return $"{run.TenantById(iso.SpikeTenant).Tier}-spike";
    }

    /// <summary>The gateway's configuration file for this run, as JSON.</summary>
    public static JsonObject GatewayConfig(ResolvedRun run, TestBedOptions options, Uri backend)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backend);
        var file = run.File;
        var defaults = Gateway.Config.Options.TierOptions.CreateDefaults();
        var tiers = new JsonObject();
        foreach (var (name, tier) in file.Tiers)
        {
            tiers[name] = TierJson(name, tier.TimeoutMs, tier.MaxQps, defaults);
        }

        var iso = file.Scenarios.Isolation!;
        var spikeTenant = run.TenantById(iso.SpikeTenant);
        var spikeTier = SpikeTierName(run);
        if (options.SpikeTier)
        {
            tiers[spikeTier] = TierJson(spikeTenant.Tier, spikeTenant.TimeoutMs, (int)Math.Round(iso.SpikeLimitQps), defaults);
        }

        var tenants = new JsonObject();
        foreach (var t in run.Tenants)
        {
            tenants[t.Id] = new JsonObject { ["Tier"] = options.SpikeTier && t.Id == spikeTenant.Id ? spikeTier : t.Tier };
        }

        return new JsonObject
        {
            // Sheds are logged at debug with the estimate behind them: the report's 503s can then be explained from the log.
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning", ["Gateway.Transforms.Fairness.FairUpstreamStage"] = "Debug" } },
            ["Gateway"] = new JsonObject
            {
                ["Jwt"] = new JsonObject
                {
                    ["Issuer"] = file.Jwt.Issuer,
                    ["Audience"] = file.Jwt.Audience,
                    ["SigningKey"] = file.Jwt.SigningKey,
                    ["AllowSharedSecret"] = true,
                    ["TenantClaim"] = file.Jwt.TenantClaim,
                    ["ClockSkewSeconds"] = 30,
                    ["AdminScope"] = file.Jwt.AdminScope,
                },
                ["Tiers"] = tiers,
                ["Tenants"] = tenants,
                ["Redis"] = new JsonObject { ["Configuration"] = options.Redis ?? "" },
                ["Throttling"] = new JsonObject { ["Enabled"] = options.Protections },
                ["Embeddings"] = new JsonObject { ["BudgetMs"] = options.SemanticBudgetMs ?? new Gateway.Config.Options.EmbeddingsOptions().BudgetMs },
                ["Fairness"] = new JsonObject
                {
                    ["Enabled"] = options.Protections,
                    ["MaxInFlight"] = options.FairMaxInFlight,
                },
            },
            ["ReverseProxy"] = new JsonObject
            {
                ["Routes"] = new JsonObject
                {
                    ["rag-query"] = new JsonObject
                    {
                        ["ClusterId"] = "rag",
                        ["Match"] = new JsonObject { ["Path"] = "/query", ["Methods"] = new JsonArray("POST") },
                        ["Metadata"] = options.Semantic
                            ? new JsonObject { ["Cache"] = "true", ["SemanticCache"] = "true" }
                            : new JsonObject { ["Cache"] = "true" },
                    },
                },
                ["Clusters"] = new JsonObject
                {
                    ["rag"] = new JsonObject
                    {
                        ["Destinations"] = new JsonObject { ["sim"] = new JsonObject { ["Address"] = backend.ToString() } },
                    },
                },
            },
        };
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _gateway.StopAsync(stop.Token);
                await _backend.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        _owned.ForEach(d => d.Dispose());
    }

    // Fields the scenario file does not carry (TTL, quota, weight) come from the named tier's SPEC defaults.
    private static JsonObject TierJson(string baseTier, int timeoutMs, int maxQps, Dictionary<string, Gateway.Config.Options.TierOptions> defaults)
    {
        var d = defaults.GetValueOrDefault(baseTier) ?? defaults["silver"];
        return new JsonObject
        {
            ["TimeoutMs"] = timeoutMs,
            ["MaxQps"] = maxQps,
            ["CacheTtlSeconds"] = d.CacheTtlSeconds,
            ["CacheQuota"] = d.CacheQuota,
            ["FairShareWeight"] = d.FairShareWeight ?? 1,
        };
    }

    private static Uri AddressOf(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>Tokens minted with the scenario file's development key (<c>TokenCommand.Mint</c>, the gateway's own minting).</summary>
    /// <param name="scope">The token's <c>scope</c> claim, e.g. the tenant-admin scope for the tenant's own invalidations; none by default.</param>
    public static string MintTenantToken(ScenarioFile file, string tenantId, DateTimeOffset now, string? scope = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var skew = TimeSpan.FromSeconds(file.Jwt.NotBeforeSkewSeconds);
        return TokenCommand.Mint(JwtOptions(file), tenantId, file.Jwt.SubjectPrefix + tenantId, scope,
            TimeSpan.FromSeconds(file.Jwt.LifetimeSeconds) + skew, now - skew);
    }

    /// <summary>An admin token: <c>scope</c> = the admin scope, no tenant claim unless <c>adminTenantId</c> is set.</summary>
    public static string MintAdminToken(ScenarioFile file, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(file);
        var skew = TimeSpan.FromSeconds(file.Jwt.NotBeforeSkewSeconds);
        return TokenCommand.Mint(JwtOptions(file), string.IsNullOrEmpty(file.Jwt.AdminTenantId) ? null : file.Jwt.AdminTenantId,
            file.Jwt.AdminSubject, file.Jwt.AdminScope, TimeSpan.FromSeconds(file.Jwt.LifetimeSeconds) + skew, now - skew);
    }

    private static Gateway.Config.Options.JwtOptions JwtOptions(ScenarioFile file) => new()
    {
        Issuer = file.Jwt.Issuer,
        Audience = file.Jwt.Audience,
        SigningKey = file.Jwt.SigningKey,
        TenantClaim = file.Jwt.TenantClaim,
        AdminScope = file.Jwt.AdminScope,
    };

    internal static string Invariant(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
