using LoadDriver.Reporting;

namespace LoadDriver.Scenarios;

/// <summary>
/// SPEC §8 tier SLAs, as <c>k6/sla.js</c>: Zipf traffic from every tenant; after the warm-up each tier's p95 is
/// inside its budget, at least <c>compliance</c> of its requests are answered 200 within it, and p99.9 stays under
/// budget + grace (the hard timeout cuts the tail).
/// </summary>
internal static class SlaScenario
{
    public const string Name = "sla";

    public static async Task<ScenarioReport> RunAsync(DriverContext ctx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var sla = ctx.Run.File.Scenarios.Sla!;
        var duration = ctx.Run.Seconds(sla.DurationSeconds);
        var warmup = ctx.Run.Seconds(sla.WarmupSeconds);
        var report = new ScenarioReport(Name, "Tier SLAs: p95 inside the budget, 99.5% answered within it",
            FormattableString.Invariant($"All tenants steady for {duration} s, Zipf({sla.DistinctQueries}, {sla.ZipfExponent}) queries (a realistic hit/miss mix); measured after {warmup} s."));
        var arm = await ctx.RunSteadyArmAsync(Name, sla, duration, warmup, cancellationToken);
        report.Arms.Add(arm);

        var rows = new List<IReadOnlyList<string>>();
        foreach (var tier in ctx.Run.Tenants.Select(t => t.Tier).Distinct())
        {
            var budget = ctx.Run.File.Tiers[tier].TimeoutMs;
            var s = arm.Recorder.Merge(ctx.Run.Tenants.Where(t => t.Tier == tier).Select(t => t.Id), ["measure"], tier);
            var p95 = s.P(95);
            var p999 = s.P(99.9);
            rows.Add([tier, Fmt.N(budget), Fmt.N(s.Requests), Fmt.Ms(p95), Fmt.Ms(p999), Fmt.Ms(s.P(100)), Fmt.Pct(s.SlaCompliance, 3), Fmt.N(s.TimedOut)]);
            report.Criteria.Add(new Criterion("§8 SLA", $"{tier}: p95 inside its {budget} ms budget", p95 < budget, $"p95 {Fmt.Ms(p95)} ms"));
            report.Criteria.Add(new Criterion("§8 SLA", $"{tier}: ≥ {Fmt.Pct(sla.Compliance, 1)} answered 200 within {budget} ms", s.SlaCompliance >= sla.Compliance,
                $"{Fmt.Pct(s.SlaCompliance, 3)} of {s.Requests - s.Overflow}"));
            report.Criteria.Add(new Criterion("§3 hard timeout", $"{tier}: p99.9 < budget + {sla.HardTimeoutGraceMs} ms grace (the tail is cut)",
                p999 < budget + sla.HardTimeoutGraceMs, $"p99.9 {Fmt.Ms(p999)} ms"));
        }

        report.Tables.Add(new ReportTable($"Per tier after {warmup} s warm-up (target {Fmt.Pct(sla.Compliance, 1)} within budget)",
            ["tier", "budget ms", "reqs", "p95 ms", "p99.9 ms", "max ms", "within SLA", "504"], rows));
        Common.AddNamespaceAndWorkload(report, arm, "");
        return report;
    }
}
