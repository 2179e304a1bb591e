using System.Globalization;
using LoadDriver.Load;
using LoadDriver.Reporting;

namespace LoadDriver.Scenarios.Attacks;

/// <summary>The suite's criteria per shape, and its summary tables.</summary>
internal static class AttackVerdict
{
    public const string Spec = "§6 attack shapes";

    /// <summary>Allowed rise of the victims' pooled p95 from the baseline window to the attack window, in percent.</summary>
    public const double AllowedPct = 10;

    private const double Mb = 1024 * 1024;

    /// <summary>CPU other programs may take, in cores, for an arm's latencies to be worth judging.</summary>
    private const double QuietOtherCores = 0.5;

    /// <summary>Generator send lag (p99, ms) beyond which the machine, not the gateway, shaped the latencies.</summary>
    private const double QuietSendLagMs = 20;

    public static void Judge(DriverContext ctx, AttackShape shape, ScenarioReport report, Tenant attacker)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(report);
        var victims = Victims(ctx, attacker);
        var p95Rows = new List<IReadOnlyList<string>>();
        var attackRows = new List<IReadOnlyList<string>>();
        foreach (var arm in report.Arms)
        {
            var rec = arm.Recorder;
            var pooled = Change(rec, victims);
            var during = rec.Merge(victims, [AttackSuite.AttackPhase], "victims");
            var whole = rec.Merge(victims, null, "victims");
            var cap = MemoryCap(shape);
            var growth = arm.Resources?.GatewayRssGrowth ?? double.NaN;
            var tag = $"[{arm.Name}] ";
            var p95Text = FormattableString.Invariant($"{Fmt.Ms(pooled.Base)} → {Fmt.Ms(pooled.Attack)} ms ({Fmt.SignedPct(pooled.Pct)}), n={pooled.BaseN}/{pooled.AttackN}");
            if (arm.Name == "on")
            {
                report.Criteria.Add(new Criterion(Spec, $"{tag}victims' pooled p95 during the attack within {AllowedPct}% of the baseline window", pooled.Pct <= AllowedPct, p95Text) { Headline = true });
                report.Criteria.Add(new Criterion(Spec, $"{tag}victims get no 429, 503 or 504 (whole run)",
                    whole.Throttled + whole.Shed + whole.TimedOut == 0, Refusals(whole)));
                var (stopped, how) = AttackerStopped(shape, arm, attacker);
                report.Criteria.Add(new Criterion(Spec, $"{tag}the attacker is refused, shed or cut off", stopped, how));
                if (cap is { } bound)
                {
                    report.Criteria.Add(new Criterion(Spec, FormattableString.Invariant($"{tag}gateway RSS growth during the attack stays under the configured cap ({bound / Mb:0} MB)"),
                        growth <= bound, RssText(arm)));
                }

                Common.AddNamespaceAndWorkload(report, arm, tag);
                report.Criteria.Add(new Criterion("workload", $"{tag}the machine was quiet enough to judge latencies (other programs under {QuietOtherCores} core, send lag p99 under {QuietSendLagMs} ms)",
                    Quiet(arm), MachineText(arm), Enforced: false));
            }
            else
            {
                var damaged = pooled.Pct > AllowedPct || during.Errors > 0 || (cap is { } bound && growth > bound);
                report.Criteria.Add(new Criterion(Spec, $"{tag}the control shows the damage (p95 up more than {AllowedPct}%, victims' errors, or memory past the cap)", damaged,
                    $"{p95Text}; victims in the attack window: {Refusals(during)}; {RssText(arm)}") { Headline = true });
                Common.AddNamespaceAndWorkload(report, arm, tag, enforced: false);
            }

            p95Rows.Add([arm.Name, "(all victims pooled)", Fmt.Ms(pooled.Base), Fmt.Ms(pooled.Attack), Fmt.SignedPct(pooled.Pct), Refusals(during)]);
            foreach (var v in ctx.Run.Tenants.Where(t => t.Id != attacker.Id))
            {
                var c = Change(rec, [v.Id]);
                p95Rows.Add([arm.Name, $"{v.Id} ({v.Tier})", Fmt.Ms(c.Base), Fmt.Ms(c.Attack), Fmt.SignedPct(c.Pct), Refusals(rec.Merge([v.Id], [AttackSuite.AttackPhase], v.Id))]);
            }

            attackRows.Add([arm.Name, AttackerOutcomes(arm), RssText(arm)]);
        }

        report.Tables.Add(new ReportTable("Victims' p95, baseline window vs attack window (per-victim rows are indicative only)",
            ["arm", "victims", "baseline p95 ms", "attack p95 ms", "change", "429/503/504/other in the attack window"], p95Rows));
        report.Tables.Add(new ReportTable("The attacker and the gateway's memory", ["arm", "attacker's outcomes in the attack window", "gateway RSS"], attackRows));
    }

    /// <summary>The suite's first section: one row per shape, then what each arm cost the machine.</summary>
    public static ScenarioReport Summary(DriverContext ctx, AttackSuite.Timeline timeline, Tenant attacker, IReadOnlyList<ScenarioReport> shapes, bool smoke)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(shapes);
        var victims = Victims(ctx, attacker);
        var victimRate = ctx.Run.Tenants.Where(t => t.Id != attacker.Id).Sum(t => t.Rate);
        var summary = new ScenarioReport(AttackSuite.Name, "Adversarial isolation suite: every attack shape, protections on and the control",
            FormattableString.Invariant($"Each shape runs twice{(smoke ? " (here: protections only, the CI run)" : "")} against a fresh simulated backend (capacity {ctx.Options.BackendCapacity}, log-normal {ctx.Options.BackendMedianMs:0}/{ctx.Options.BackendP99Ms:0} ms median/p99) and a fresh gateway (Fairness:MaxInFlight {ctx.Options.BackendCapacity}), each in its own process. Victims: {string.Join(", ", victims)} at {victimRate:0.#} req/s together for the whole run; attacker {attacker.Id} at its steady {attacker.Rate:0.#} req/s plus the attack. Windows: warm-up [0, {timeline.Warmup}), baseline [{timeline.Warmup}, {timeline.Start}), attack [{timeline.Start}, {timeline.Duration}) s. The attacker's tier: 1 s budget, {AttackShape.AttackerLimit} req/s (burst 5), weight 1, MaxStreamSeconds 5; in (d) a 30 s budget."));
        var rows = new List<IReadOnlyList<string>>();
        var resources = new List<IReadOnlyList<string>>();
        foreach (var report in shapes)
        {
            var on = report.Arms.FirstOrDefault(a => a.Name == "on");
            var control = report.Arms.FirstOrDefault(a => a.Name == "control");
            rows.Add([
                report.Title,
                ArmP95(on, victims),
                on is null ? "-" : Refusals(on.Recorder.Merge(victims, null, "v")),
                ArmP95(control, victims),
                control is null ? "-" : Refusals(control.Recorder.Merge(victims, [AttackSuite.AttackPhase], "v")),
                on is null ? "-" : AttackerOutcomes(on),
                $"on: {Growth(on)}; control: {Growth(control)}",
                (report.Passed ? "PASS" : "FAIL") + (report.Arms.All(Quiet) ? "" : " (machine busy: latencies not conclusive)"),
            ]);
            foreach (var arm in report.Arms)
            {
                var r = arm.Resources;
                var lag = arm.Recorder.SendLag;
                resources.Add([
                    report.Title[..3], arm.Name,
                    Cores(r?.GeneratorCores), Cores(r?.GatewayCores), Cores(r?.BackendCores), Cores(r?.MachineCores), Cores(r?.OtherCores),
                    FormattableString.Invariant($"{LatencyHistogram.Millis(lag, 99):0.0} / {LatencyHistogram.Millis(lag, 100):0.0}"),
                    Fmt.N(arm.Recorder.Merge(arm.Tenants.Select(t => t.Id), null, "all").Overflow),
                    r is null ? "-" : FormattableString.Invariant($"{r.GatewayRssBaseline / Mb:0} / {r.GatewayRssPeak / Mb:0}"),
                    r?.LoadAverage ?? "-",
                ]);
            }
        }

        summary.Tables.Add(new ReportTable("Per shape: victims' pooled p95, baseline → attack window",
            ["shape", "on: victims' p95", "on: victims 429/503/504/other (whole run)", "control: victims' p95", "control: victims' errors in the attack window", "on: attacker", "gateway RSS growth", "verdict"], rows));
        summary.Tables.Add(new ReportTable("Machine use per arm (cores of CPU over the arm; the generator runs alone in the driver's process)",
            ["shape", "arm", "generator", "gateway", "backend", "machine", "other programs", "send lag p99 / max ms", "overflow", "gateway RSS baseline / peak MB", "load average"], resources));
        summary.Notes.Add("The victims' pooled p95 is the verdict, as in the isolation scenario. On a 2-core machine shared with other work a burst of CPU contention inside one 10 s window moves a p95 by 10-20% either way: read the machine-use table before trusting a marginal row, and re-run on a quiet machine.");
        return summary;
    }

    private static bool Quiet(ArmResult arm) =>
        arm.Resources is { } r && !(r.OtherCores >= QuietOtherCores) && LatencyHistogram.Millis(arm.Recorder.SendLag, 99) < QuietSendLagMs;

    private static string MachineText(ArmResult arm) => arm.Resources is not { } r
        ? "not measured"
        : FormattableString.Invariant($"other programs {r.OtherCores:0.00} cores, generator {r.GeneratorCores:0.00}, gateway {r.GatewayCores:0.00}, backend {r.BackendCores:0.00}; send lag p99 {LatencyHistogram.Millis(arm.Recorder.SendLag, 99):0.0} ms; load average {r.LoadAverage}");

    /// <summary>What stops the attacker in this shape, and whether it happened.</summary>
    private static (bool Stopped, string How) AttackerStopped(AttackShape shape, ArmResult arm, Tenant attacker)
    {
        var counters = arm.GatewayCounters ?? new Dictionary<string, double>();
        var attack = arm.Recorder.Get(attacker.Id, AttackSuite.AttackPhase);
        var refusals = attack.Throttled + attack.Shed + attack.TimedOut + attack.OtherStatus;
        var how = AttackerOutcomes(arm);
        return shape.Key switch
        {
            "c" => (refusals > 0 || counters.GetValueOrDefault(GatewayCounters.StreamsEnded) > 0, how),
            "g" => (counters.GetValueOrDefault(GatewayCounters.WritesSkipped) > 0, how),
            _ => (refusals > 0, how),
        };
    }

    private static string AttackerOutcomes(ArmResult arm)
    {
        var parts = new List<string>();
        foreach (var (group, label) in new[] { (AttackSuite.AttackGroup, "attack"), (AttackSuite.AdminGroup, "invalidations") })
        {
            var series = arm.Recorder.Series(group);
            var counts = Enum.GetValues<OutcomeKind>().ToDictionary(k => k, k => Enumerable.Range(0, series.Length).Sum(s => series.Count(s, k)));
            var total = counts.Values.Sum();
            if (total == 0)
            {
                continue;
            }

            parts.Add(FormattableString.Invariant(
                $"{label}: {total} sent, {counts[OutcomeKind.Ok]} 2xx, {counts[OutcomeKind.Throttled]} 429, {counts[OutcomeKind.Shed]} 503, {counts[OutcomeKind.TimedOut]} 504, {counts[OutcomeKind.OtherStatus]} other (401…), {counts[OutcomeKind.TransportError]} transport errors"));
        }

        if (arm.HeldAtEnd > 0)
        {
            parts.Add(FormattableString.Invariant($"{arm.HeldAtEnd} still held open when the attack ended"));
        }

        foreach (var (name, value) in arm.GatewayCounters ?? new Dictionary<string, double>())
        {
            if (value > 0 && name != GatewayCounters.CacheBytes)
            {
                parts.Add(FormattableString.Invariant($"{name}: {value:0}"));
            }
        }

        if (arm.GatewayCounters?.GetValueOrDefault(GatewayCounters.CacheBytes) is > 0 and var bytes)
        {
            parts.Add(FormattableString.Invariant($"{GatewayCounters.CacheBytes}: {bytes / Mb:0.0} MB"));
        }

        return parts.Count == 0 ? "-" : string.Join("; ", parts);
    }

    private static long? MemoryCap(AttackShape shape) => shape.Key switch
    {
        "d" => AttackSetup.BufferedBytesCap,
        "g" => AttackSetup.EmbeddedBound,
        _ => null,
    };

    private static List<string> Victims(DriverContext ctx, Tenant attacker) => [.. ctx.Run.Tenants.Where(t => t.Id != attacker.Id).Select(t => t.Id)];

    private readonly record struct P95Change(double Base, double Attack, long BaseN, long AttackN, double Pct);

    private static P95Change Change(Recorder recorder, IReadOnlyCollection<string> tenants)
    {
        var b = recorder.Merge(tenants, ["baseline"], "pooled");
        var a = recorder.Merge(tenants, [AttackSuite.AttackPhase], "pooled");
        return new P95Change(b.P(95), a.P(95), b.Requests, a.Requests, Fmt.Change(b.P(95), a.P(95)));
    }

    private static string ArmP95(ArmResult? arm, IReadOnlyCollection<string> victims)
    {
        if (arm is null)
        {
            return "not run";
        }

        var c = Change(arm.Recorder, victims);
        return FormattableString.Invariant($"{Fmt.Ms(c.Base)} → {Fmt.Ms(c.Attack)} ms ({Fmt.SignedPct(c.Pct)})");
    }

    private static string Refusals(TenantPhaseStats s)
    {
        var counts = FormattableString.Invariant($"{s.Throttled}/{s.Shed}/{s.TimedOut}/{s.OtherStatus + s.TransportErrors + s.Overflow}");
        return s.Shed == 0
            ? counts
            : $"{counts} (503: {string.Join(", ", s.ShedReasons.Select(r => FormattableString.Invariant($"{r.Key} ×{r.Value}")))})";
    }

    private static string RssText(ArmResult arm) => arm.Resources is not { } r || double.IsNaN(r.GatewayRssBaseline)
        ? "no gateway"
        : FormattableString.Invariant($"RSS {r.GatewayRssBaseline / Mb:0} MB in the baseline, peak {r.GatewayRssAttackPeak / Mb:0} MB from the attack on ({(r.GatewayRssGrowth >= 0 ? "+" : "")}{r.GatewayRssGrowth / Mb:0} MB)");

    private static string Growth(ArmResult? arm) => arm?.Resources is not { } r || double.IsNaN(r.GatewayRssBaseline)
        ? "-"
        : FormattableString.Invariant($"{(r.GatewayRssGrowth >= 0 ? "+" : "")}{r.GatewayRssGrowth / Mb:0} MB");

    private static string Cores(double? value) => value is not { } v || double.IsNaN(v) ? "-" : v.ToString("0.00", CultureInfo.InvariantCulture);
}
