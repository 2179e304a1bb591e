using System.Text.Json.Nodes;
using LoadDriver.Hosting;

namespace LoadDriver.Scenarios.Attacks;

/// <summary>
/// The gateway configuration of the suite: the scenario file's tenants and tiers, the attacker on a tier of its own, and
/// either every isolation guard as shipped (protections on) or every one of them switched off (the control).
/// </summary>
internal static class AttackSetup
{
    /// <summary>The embedded store's bound with protections on: small enough that shape (g) reaches its share within seconds.</summary>
    public const long EmbeddedBound = 64L * 1024 * 1024;

    /// <summary>The gateway's default <c>Limits:MaxBufferedBytes</c>, which shape (d) is judged against.</summary>
    public const long BufferedBytesCap = 64L * 1024 * 1024;

    private const long Unbounded = 1L << 40;

    /// <summary>Tier of the attacker: silver's 1 s budget, a limit of 50 req/s, and streams ended after 5 s.</summary>
    public const string AttackerTier = "attacker";

    /// <summary>Tier of the attacker in shape (d): a 30 s budget, as a batch-ingestion tenant might have.</summary>
    public const string BatchTier = "batch";

    public static JsonObject GatewayConfig(DriverContext ctx, AttackShape shape, bool protections, bool relaxVictimBudgets, TestBedOptions bed, Uri backend)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(shape);
        var config = TestBed.GatewayConfig(ctx.Run, bed, backend);
        var gateway = config["Gateway"]!.AsObject();
        var tiers = gateway["Tiers"]!.AsObject();
        if (relaxVictimBudgets)
        {
            // The CI run asserts functions, not timings: a stalled CI machine must not turn a victim's request into a 503.
            foreach (var (_, tier) in tiers)
            {
                tier!["TimeoutMs"] = tier["TimeoutMs"]!.GetValue<int>() * 10;
            }
        }

        tiers[AttackerTier] = Tier(timeoutMs: 1000, maxStreamSeconds: 5);
        tiers[BatchTier] = Tier(timeoutMs: 30_000, maxStreamSeconds: 5);
        var attacker = ctx.Run.File.Scenarios.Isolation!.SpikeTenant;
        gateway["Tenants"]![attacker] = new JsonObject { ["Tier"] = shape.LongBudgetAttacker ? BatchTier : AttackerTier };
        gateway["Cache"] = new JsonObject { ["EmbeddedMaxBytes"] = protections ? EmbeddedBound : Unbounded };
        if (!protections)
        {
            // Throttling and the fair queue are already off (TestBed's control); switch off the rest too.
            gateway["Limits"] = new JsonObject
            {
                ["MaxBufferedBytes"] = Unbounded,
                ["TenantBufferedShare"] = 1.0,
                ["MaxConcurrentConnections"] = 0,
                ["MinRequestBodyDataRate"] = 0,
            };
            foreach (var (_, tier) in tiers)
            {
                tier!["MaxStreamSeconds"] = 86_400;
            }

            gateway["Admin"] = new JsonObject { ["InvalidationsPerMinute"] = 1_000_000 };
        }

        return config;
    }

    private static JsonObject Tier(int timeoutMs, int maxStreamSeconds) => new()
    {
        ["TimeoutMs"] = timeoutMs,
        ["MaxQps"] = AttackShape.AttackerLimit,
        ["Burst"] = 5,
        ["CacheTtlSeconds"] = 900,
        ["CacheQuota"] = "10GB",
        ["FairShareWeight"] = 1,
        ["MaxStreamSeconds"] = maxStreamSeconds,
    };
}
