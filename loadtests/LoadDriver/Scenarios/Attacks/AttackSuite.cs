using System.Globalization;
using LoadDriver.Commands;
using LoadDriver.Hosting;
using LoadDriver.Load;
using LoadDriver.Reporting;

namespace LoadDriver.Scenarios.Attacks;

/// <summary>
/// The adversarial isolation suite (issue 12): for each attack shape (a)–(g), the same schedule against a fresh backend
/// and gateway twice, with the gateway's protections on and as a control without them. Every tenant of the scenario file
/// sends its steady rate for the whole run; the attacker (the isolation scenario's spike tenant) adds the attack in the
/// attack window. The verdict per shape: the victims' pooled p95 in the attack window against the baseline window, their
/// refusals, what happened to the attacker, and the gateway's resident memory (it runs in its own process, as does the
/// backend, so this process is the load generator alone and its CPU is reported as such).
/// </summary>
internal static class AttackSuite
{
    public const string Name = "attacks";
    public const string VictimGroup = "victim";
    public const string AttackerGroup = "attacker";
    public const string AttackGroup = "attack";
    public const string AdminGroup = "attack_admin";
    public const string AttackPhase = "attack";

    /// <summary>Seconds of the arm: warm-up, baseline, attack.</summary>
    internal sealed record Timeline(int Warmup, int Baseline, int Attack)
    {
        public int Start => Warmup + Baseline;

        /// <summary>Where a shape rehearses its attack: the warm-up, less a little room at either end.</summary>
        public (double Start, double Seconds) Rehearsal => (0.3, Math.Max(0.2, Warmup - 1));

        public int Duration => Start + Attack;

        public IReadOnlyList<(string Name, double Start)> Phases => [("warmup", 0), ("baseline", Warmup), (AttackPhase, Start)];
    }

    /// <summary>The full run: 3 s warm-up, 10 s baseline, 10 s attack (times <c>--duration-scale</c>); the CI run: 1, 3 and 3 s.</summary>
    public static Timeline Resolve(ResolvedRun run, bool smoke)
    {
        ArgumentNullException.ThrowIfNull(run);
        return smoke ? new Timeline(1, 3, 3) : new Timeline(run.Seconds(3), run.Seconds(10), run.Seconds(10));
    }

    /// <summary>The shapes <c>--shapes</c> selects (all by default).</summary>
    public static IReadOnlyList<AttackShape> Selected(DriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Shapes is not { Count: > 0 } keys)
        {
            return AttackShape.All;
        }

        var unknown = keys.Where(k => AttackShape.All.All(s => s.Key != k)).ToList();
        return unknown.Count == 0
            ? [.. AttackShape.All.Where(s => keys.Contains(s.Key))]
            : throw new InvalidDataException($"--shapes: unknown shape(s) {string.Join(", ", unknown)}; use a–g");
    }

    /// <summary>Runs the selected shapes; the first report is the suite's summary, then one per shape.</summary>
    /// <param name="smoke">The CI run: protections only, short windows, fewer attack workers, relaxed victim budgets.</param>
    public static async Task<List<ScenarioReport>> RunAsync(DriverContext ctx, bool smoke, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (ctx.External)
        {
            throw new InvalidDataException("the attack suite starts its own gateway and backend; --gateway-url is not supported");
        }

        var timeline = Resolve(ctx.Run, smoke);
        var attacker = ctx.Run.TenantById(ctx.Run.File.Scenarios.Isolation!.SpikeTenant);
        var reports = new List<ScenarioReport>();
        foreach (var shape in Selected(ctx.Options))
        {
            var report = new ScenarioReport($"attack-{shape.Key}", shape.Title,
                $"Attacker {attacker.Id}: {shape.Attack}, in [{timeline.Start} s, {timeline.Duration} s). Guard: {shape.Guard}. Control: {ControlText(shape)}.")
            {
                SpikeWindow = (timeline.Start, timeline.Duration),
                ChartGroup = VictimGroup,
                WindowLabel = AttackPhase,
            };
            foreach (var protections in smoke ? [true] : new[] { true, false })
            {
                ctx.Console.WriteLine($"== attack {shape.Title} [{(protections ? "on" : "control")}]");
                report.Arms.Add(await RunArmAsync(ctx, shape, protections, timeline, attacker, smoke, cancellationToken));
            }

            AttackVerdict.Judge(ctx, shape, report, attacker);
            reports.Add(report);
        }

        reports.Insert(0, AttackVerdict.Summary(ctx, timeline, attacker, reports, smoke));
        return reports;
    }

    /// <summary>A constant-rate stream of the suite: unique questions, or the cache scenario's Zipf questions when <paramref name="cached"/>.</summary>
    public static LoadStream Stream(AttackContext a, string name, Tenant tenant, string group, double rate, double start, double duration, bool cached, Action<HttpRequestMessage>? configure)
    {
        ArgumentNullException.ThrowIfNull(a);
        var scenarios = a.Driver.Run.File.Scenarios;
        ScenarioSettings settings = cached ? scenarios.Cache! : scenarios.Isolation!;
        var stream = Streams.Create(a.Driver, Name, settings, a.RunId, name, tenant, group, rate, start, duration);
        return stream with { Configure = Direct(a, tenant, configure) };
    }

    /// <summary>Without a gateway, requests carry the tenant header the gateway would have set, so answers stay attributable.</summary>
    public static Action<HttpRequestMessage>? Direct(AttackContext a, Tenant tenant, Action<HttpRequestMessage>? configure)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(tenant);
        return !a.Direct ? configure : r =>
        {
            r.Headers.Add("X-Tenant-Id", tenant.Id);
            configure?.Invoke(r);
        };
    }

    public static string ControlText(AttackShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.ControlWithoutGateway
            ? "the same load straight to the backend, without the gateway"
            : "the same gateway with every isolation guard off (throttling, fair queue, stream limits, buffered-body budget, connection and body-rate limits, embedded-store bound, invalidation limit); tier deadlines and the cache stay";
    }

    private static async Task<ArmResult> RunArmAsync(DriverContext ctx, AttackShape shape, bool protections, Timeline timeline, Tenant attacker, bool smoke, CancellationToken cancellationToken)
    {
        var arm = protections ? "on" : "control";
        var direct = !protections && shape.ControlWithoutGateway;
        var bedOptions = ctx.BedOptions(protections, spikeTier: false);
        var bed = await ProcessBed.StartAsync(bedOptions,
            direct ? null : url => AttackSetup.GatewayConfig(ctx, shape, protections, relaxVictimBudgets: smoke, bedOptions, url),
            ctx.Options.OutDir, $"attack-{shape.Key}-{arm}", cancellationToken);
        await using var target = bed.ToTarget();
        using var client = ctx.CreateClient(target);
        var recorder = new Recorder(timeline.Duration, VictimGroup);
        var runId = $"{ResolvedRun.NewRunId(DateTimeOffset.UtcNow, Random.Shared)}-{shape.Key}-{arm}";
        var a = new AttackContext(ctx, recorder, attacker, target.GatewayUrl, direct, timeline.Start, timeline.Attack, runId, smoke ? 0.25 : 1,
            ctx.Options.ColdAttacks ? null : timeline.Rehearsal);
        await using var workload = shape.Build(a);
        var streams = ctx.Run.Tenants
            .Select(t => Stream(a, $"steady_{t.Id}", t, t.Id == attacker.Id ? AttackerGroup : VictimGroup, t.Rate, 0, timeline.Duration, shape.VictimsReadCached, null))
            .Concat(workload.Streams)
            .ToList();
        await using var meter = new ResourceMeter(bed.Gateway?.Pid, bed.Backend.Pid);
        var actions = new List<TimedAction>
        {
            new(0, _ =>
            {
                meter.MarkZero();
                return Task.CompletedTask;
            }),
        };
        actions.AddRange(workload.Actions);
        var description = protections
            ? "protections on: the gateway as shipped (the suite's attacker tier, Cache:EmbeddedMaxBytes 64 MB)"
            : $"control: {ControlText(shape)}";
        var result = await ctx.RunArmAsync(arm, description, target, client, streams, timeline.Phases, timeline.Duration, VictimGroup, actions, cancellationToken, recorder);
        result.Resources = await meter.StopAsync(timeline.Warmup, timeline.Start);
        result.HeldAtEnd = workload.HeldAtEnd;
        result.GatewayCounters = bed.Gateway is null ? null : await GatewayCounters.ReadAsync(target.GatewayUrl, attacker.Id, cancellationToken);
        return result;
    }
}
