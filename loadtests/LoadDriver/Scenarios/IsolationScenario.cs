using LoadDriver.Load;
using LoadDriver.Reporting;

namespace LoadDriver.Scenarios;

/// <summary>
/// SPEC §8 isolation, as <c>k6/isolation.js</c>: every tenant steady for the whole run; the spike tenant also sends
/// <c>spikeMultiplier × spikeLimitQps</c> during the spike window. Run twice on the same schedule, with the gateway's
/// protections on and as the control with throttling and fair queuing off, each against a fresh backend and gateway.
/// </summary>
internal static class IsolationScenario
{
    public const string Name = "isolation";
    public const string VictimGroup = "victim";

    /// <summary>The run's windows after duration scaling.</summary>
    internal sealed record Windows(int Duration, int Warmup, int SpikeStart, int SpikeEnd, double SpikeRate);

    public static Windows Resolve(ResolvedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var iso = run.File.Scenarios.Isolation!;
        var w = new Windows(run.Seconds(iso.DurationSeconds), run.Seconds(iso.WarmupSeconds), run.Seconds(iso.SpikeStartSeconds),
            run.Seconds(iso.SpikeStartSeconds) + run.Seconds(iso.SpikeDurationSeconds), iso.SpikeMultiplier * iso.SpikeLimitQps);
        if (w.SpikeEnd > w.Duration || w.SpikeStart <= w.Warmup)
        {
            throw new InvalidDataException("--duration-scale rounding broke the warm-up/baseline/spike windows; pick another scale");
        }

        return w;
    }

    public static IReadOnlyList<(string Name, double Start)> Phases(Windows w) =>
        [("warmup", 0), ("baseline", w.Warmup), ("spike", w.SpikeStart), ("recovery", w.SpikeEnd)];

    /// <summary>The streams of one arm: identical for every arm, so ON and CONTROL see the same schedule and queries.</summary>
    public static List<LoadStream> Streams(DriverContext ctx, Windows w, string runId)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var iso = ctx.Run.File.Scenarios.Isolation!;
        var spiker = ctx.Run.TenantById(iso.SpikeTenant);
        var streams = LoadDriver.Scenarios.Streams.Steady(ctx, Name, iso, runId, w.Duration, t => t.Id == spiker.Id ? "spiker" : VictimGroup);
        streams.Add(LoadDriver.Scenarios.Streams.Create(ctx, Name, iso, runId, $"spike_{spiker.Id}", spiker, "spike", w.SpikeRate, w.SpikeStart, w.SpikeEnd - w.SpikeStart));
        return streams;
    }

    public static async Task<ScenarioReport> RunAsync(DriverContext ctx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var iso = ctx.Run.File.Scenarios.Isolation!;
        var w = Resolve(ctx.Run);
        var spiker = ctx.Run.TenantById(iso.SpikeTenant);
        var report = new ScenarioReport(Name, "Isolation: one tenant spikes, the others keep their latency",
            FormattableString.Invariant($"All tenants steady for {w.Duration} s; {spiker.Id} adds {w.SpikeRate:0.##} req/s ({iso.SpikeMultiplier:0.##}× its {iso.SpikeLimitQps:0.##} QPS limit) during [{w.SpikeStart} s, {w.SpikeEnd} s). Unique queries, so every admitted request reaches the backend. Windows: warm-up [0, {w.Warmup}), baseline [{w.Warmup}, {w.SpikeStart}), spike [{w.SpikeStart}, {w.SpikeEnd}), recovery [{w.SpikeEnd}, {w.Duration})."))
        {
            SpikeWindow = (w.SpikeStart, w.SpikeEnd),
            ChartGroup = VictimGroup,
        };

        var arms = ctx.External
            ? new[] { ("deployment", "the deployment at --gateway-url, as configured there", true) }
            : [
                ("on", "protections on: throttling + fair upstream queue (the gateway as shipped)", true),
                ("control", "control, throttling and fair queue off: Gateway:Throttling:Enabled=false and Gateway:Fairness:Enabled=false (tier timeouts and cache unchanged)", false),
            ];
        var runId = ResolvedRun.NewRunId(DateTimeOffset.UtcNow, Random.Shared);
        foreach (var (arm, description, protections) in arms)
        {
            ctx.Console.WriteLine($"== isolation [{arm}]: {description}");
            await using var target = await ctx.StartTargetAsync($"isolation-{arm}", ctx.BedOptions(protections, spikeTier: true), cancellationToken);
            using var client = ctx.CreateClient(target);

            // The same streams (schedule, query ranks) for every arm; only the run id differs so no arm can hit
            // another's cache entries.
            var result = await ctx.RunArmAsync(arm, description, target, client, Streams(ctx, w, $"{runId}-{arm}"), Phases(w), w.Duration,
                VictimGroup, null, cancellationToken);
            report.Arms.Add(result);
        }

        Judge(ctx, report, w);
        return report;
    }

    /// <summary>The criteria of <c>k6/isolation.js</c> on the protected arm, plus the control's sanity check.</summary>
    internal static void Judge(DriverContext ctx, ScenarioReport report, Windows w)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(report);
        var iso = ctx.Run.File.Scenarios.Isolation!;
        var spiker = ctx.Run.TenantById(iso.SpikeTenant);
        var victims = ctx.Run.Tenants.Where(t => t.Id != spiker.Id).ToList();
        var allowed = iso.Thresholds.VictimP95IncreasePct;
        var maxErrors = iso.Thresholds.VictimErrorRate;

        var comparison = new List<IReadOnlyList<string>>();
        foreach (var arm in report.Arms)
        {
            var rec = arm.Recorder;
            var pooled = Change(rec, victims.Select(v => v.Id));
            comparison.Add([arm.Name, "(all victims pooled)", "-", Fmt.N(pooled.BaseN), Fmt.N(pooled.SpikeN), Fmt.Ms(pooled.Base), Fmt.Ms(pooled.Spike),
                Fmt.SignedPct(pooled.Pct), $"{allowed}%", pooled.Pct <= allowed ? "ok" : "over"]);
            foreach (var v in victims)
            {
                var c = Change(rec, [v.Id]);
                comparison.Add([arm.Name, v.Id, v.Tier, Fmt.N(c.BaseN), Fmt.N(c.SpikeN), Fmt.Ms(c.Base), Fmt.Ms(c.Spike), Fmt.SignedPct(c.Pct),
                    $"{allowed}%", c.Pct <= allowed ? "ok" : "over (indicative)"]);
            }

            var protectedArm = arm.Name != "control";
            var tag = $"[{arm.Name}] ";
            if (protectedArm)
            {
                report.Criteria.Add(new Criterion("§8 isolation", $"{tag}victims' pooled p95 during the spike within {allowed}% of the baseline window",
                    pooled.Pct <= allowed,
                    FormattableString.Invariant($"{pooled.Base:0.0} → {pooled.Spike:0.0} ms ({Fmt.SignedPct(pooled.Pct)}), n={pooled.BaseN}/{pooled.SpikeN}"))
                { Headline = true });

                var overBudget = new List<string>();
                var erroring = new List<string>();
                foreach (var v in victims)
                {
                    foreach (var phases in new[] { (IReadOnlyCollection<string>?)null, ["spike"] })
                    {
                        var s = rec.Merge([v.Id], phases, v.Id);
                        var window = phases is null ? "run" : "spike";
                        if (!(s.P(95) < v.TimeoutMs))
                        {
                            overBudget.Add(FormattableString.Invariant($"{v.Id} {window} p95 {Fmt.Ms(s.P(95))} ≥ {v.TimeoutMs} ms"));
                        }

                        if (!(s.ErrorRate < maxErrors))
                        {
                            erroring.Add(FormattableString.Invariant($"{v.Id} {window} {Fmt.Pct(s.ErrorRate)} ({s.Throttled}×429, {s.Shed}×503, {s.TimedOut}×504, {s.TransportErrors + s.OtherStatus + s.Overflow} other)"));
                        }
                    }
                }

                report.Criteria.Add(new Criterion("§8 isolation", $"{tag}every victim's p95 stays inside its tier budget (whole run and spike window)",
                    overBudget.Count == 0, overBudget.Count == 0 ? "all within budget" : string.Join("; ", overBudget)));
                report.Criteria.Add(new Criterion("§8 isolation", $"{tag}every victim's error rate below {Fmt.Pct(maxErrors, 1)} (whole run and spike window): not throttled, shed or timed out on the spiker's behalf",
                    erroring.Count == 0, erroring.Count == 0 ? "all below" : string.Join("; ", erroring)));

                var spike = rec.Get(spiker.Id, "spike");
                var spikerAll = rec.Merge([spiker.Id], null, spiker.Id);
                report.Criteria.Add(new Criterion("§3 throttling", $"{tag}{spiker.Id} is answered 429 while it spikes", spike.Throttled > 0,
                    FormattableString.Invariant($"{spike.Throttled} × 429 of {spike.Requests} in the spike window ({spike.AutoThrottled} with reason auto_throttle); admitted {spike.Ok / Math.Max(1.0, w.SpikeEnd - w.SpikeStart):0.#} req/s (limit {iso.SpikeLimitQps:0.##})")));
                var headerRate = spikerAll.Throttled == 0 ? double.NaN : (double)spikerAll.LimitHeadersOk / spikerAll.Throttled;
                report.Criteria.Add(new Criterion("§3 throttling", $"{tag}every 429 carries Retry-After, RateLimit-Policy and RateLimit (> 99%)",
                    headerRate > 0.99, $"{Fmt.Pct(headerRate)} of {spikerAll.Throttled}"));
            }
            else
            {
                report.Criteria.Add(new Criterion("§8 isolation", $"{tag}without the protections the victims degrade (otherwise the backend was not saturated and the proof shows nothing)",
                    pooled.Pct > allowed,
                    FormattableString.Invariant($"{pooled.Base:0.0} → {pooled.Spike:0.0} ms ({Fmt.SignedPct(pooled.Pct)}); victims' errors in the spike window: {Fmt.Pct(rec.Merge(victims.Select(v => v.Id), ["spike"], "v").ErrorRate)}"))
                { Headline = true });
            }

            Common.AddNamespaceAndWorkload(report, arm, tag, enforced: protectedArm);
        }

        report.Tables.Add(new ReportTable(
            FormattableString.Invariant($"Victims: p95 in the baseline window [{w.Warmup} s, {w.SpikeStart} s) vs the spike window [{w.SpikeStart} s, {w.SpikeEnd} s)"),
            ["arm", "tenant", "tier", "n base", "n spike", "base p95 ms", "spike p95 ms", "change", "allowed", "verdict"], comparison));
        if (report.Arms.Any(a => a.Recorder.Get(spiker.Id, "spike").AutoThrottled > 0))
        {
            report.Notes.Add($"{spiker.Id} was auto-throttled during the spike (429 reason auto_throttle): the fair queue saw it hold more than its share of the saturated upstream slots and lowered its limit by Gateway:Fairness:AutoThrottleFactor (SPEC §6), so its admitted rate is below {iso.SpikeLimitQps} req/s.");
        }

        report.Notes.Add("The pooled row is the verdict (as in k6/isolation.js): a single 10–20 req/s tenant's p95 over a 20–30 s window moves by several percent between identical windows, so per-tenant rows are indicative only.");
    }

    internal readonly record struct P95Change(double Base, double Spike, long BaseN, long SpikeN, double Pct);

    internal static P95Change Change(Recorder recorder, IEnumerable<string> tenants)
    {
        var ids = tenants.ToList();
        var b = recorder.Merge(ids, ["baseline"], "pooled");
        var s = recorder.Merge(ids, ["spike"], "pooled");
        return new P95Change(b.P(95), s.P(95), b.Requests, s.Requests, Fmt.Change(b.P(95), s.P(95)));
    }
}
