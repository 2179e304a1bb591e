using LoadDriver.Reporting;

namespace LoadDriver.Scenarios;

/// <summary>
/// SPEC §8 cache hit rate, as <c>k6/cache.js</c>: Zipf traffic from every tenant, the same texts for all of them;
/// after the warm-up each tenant's X-Cache hit rate must exceed <c>minHitRate</c>.
/// </summary>
internal static class CacheScenario
{
    public const string Name = "cache";

    public static async Task<ScenarioReport> RunAsync(DriverContext ctx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var sc = ctx.Run.File.Scenarios.Cache!;
        var duration = ctx.Run.Seconds(sc.DurationSeconds);
        var warmup = ctx.Run.Seconds(sc.WarmupSeconds);
        var report = new ScenarioReport(Name, "Cache: hit rate above 75% per tenant on a repeated-query workload",
            FormattableString.Invariant($"All tenants steady for {duration} s, Zipf({sc.DistinctQueries}, {sc.ZipfExponent}) over texts shared by every tenant; hit rate = X-Cache HIT among 200 answers after {warmup} s."));
        var arm = await ctx.RunSteadyArmAsync(Name, sc, duration, warmup, cancellationToken);
        report.Arms.Add(arm);

        var rows = new List<IReadOnlyList<string>>();
        foreach (var t in ctx.Run.Tenants)
        {
            var s = arm.Recorder.Get(t.Id, "measure");
            var ideal = ZipfSampler.IdealHitRate(sc.DistinctQueries, sc.ZipfExponent, t.Rate, warmup, duration - warmup);
            rows.Add([t.Id, Fmt.N(t.Rate), Fmt.Pct(s.HitRate), Fmt.Pct(ideal), $">{Fmt.Pct(sc.MinHitRate, 0)}", Fmt.N(s.Hits), Fmt.N(s.Misses), Fmt.N(s.Bypass)]);
            report.Criteria.Add(new Criterion("§8 hit rate", $"{t.Id}: hit rate above {Fmt.Pct(sc.MinHitRate, 0)} after {warmup} s", s.HitRate > sc.MinHitRate,
                $"{Fmt.Pct(s.HitRate)} (a perfect cache: {Fmt.Pct(ideal)})"));
        }

        var measured = arm.Recorder.Merge(ctx.Run.Tenants.Select(t => t.Id), ["measure"], "all");
        report.Criteria.Add(new Criterion("workload", "nearly all requests answered (error rate < 1%), since the hit rate counts answered requests only",
            measured.ErrorRate < 0.01, Fmt.Pct(measured.ErrorRate)));
        report.Tables.Add(new ReportTable($"Hit rate after {warmup} s warm-up", ["tenant", "req/s", "measured", "perfect cache", "required", "hits", "misses", "bypass"], rows));
        Common.AddNamespaceAndWorkload(report, arm, "");
        return report;
    }
}
