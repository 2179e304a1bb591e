using LoadDriver.Reporting;

namespace LoadDriver.Scenarios;

/// <summary>
/// The CI smoke run: the isolation scenario shortened (default duration scale 0.1, rate scale 0.5) with the
/// protections on, against a backend with room to spare, asserting functional outcomes only — the spiking tenant
/// receives 429s, the others receive no 429 and no 504, and no answer carries another tenant's id. No timings:
/// CI machines are too noisy for latency thresholds.
/// </summary>
internal static class SmokeScenario
{
    public const string Name = "smoke";
    public const double DefaultDurationScale = 0.1;
    public const double DefaultRateScale = 0.5;

    public static async Task<ScenarioReport> RunAsync(DriverContext ctx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var iso = ctx.Run.File.Scenarios.Isolation!;
        var w = IsolationScenario.Resolve(ctx.Run);
        var spiker = ctx.Run.TenantById(iso.SpikeTenant);
        var victims = ctx.Run.Tenants.Where(t => t.Id != spiker.Id).Select(t => t.Id).ToList();
        var report = new ScenarioReport(Name, "Smoke: functional isolation outcomes (CI)",
            FormattableString.Invariant($"The isolation schedule at duration scale {ctx.Run.DurationScale:0.###} and rate scale {ctx.Run.RateScale:0.###}: {w.Duration} s, {spiker.Id} spikes at {w.SpikeRate:0.##} req/s in [{w.SpikeStart} s, {w.SpikeEnd} s). Protections on; the backend has spare capacity. Functional assertions only."))
        {
            SpikeWindow = (w.SpikeStart, w.SpikeEnd),
            ChartGroup = IsolationScenario.VictimGroup,
        };

        ctx.Console.WriteLine("== smoke");
        var bed = ctx.BedOptions(protections: true, spikeTier: true, capacity: 64, medianMs: 5, p99Ms: 20);
        await using var target = await ctx.StartTargetAsync(Name, bed, cancellationToken);
        using var client = ctx.CreateClient(target);
        var runId = ResolvedRun.NewRunId(DateTimeOffset.UtcNow, Random.Shared);

        await ctx.WarmUpAsync(client, cancellationToken);

        // Every tenant asks the same two texts twice (the repeat is normally a cache hit): each answer must be its own.
        var foreign = new List<string>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var t in ctx.Run.Tenants)
            {
                for (var i = 1; i <= 2; i++)
                {
                    var o = await client.QueryAsync(ctx.Tokens[t.Id], ctx.Run.QueryText(runId, FormattableString.Invariant($"smoke-shared-{i}")), cancellationToken);
                    if (o.AnsweredTenant is null || o.AnsweredTenant != t.Id)
                    {
                        foreign.Add($"{t.Id} got status {o.Status} tenant_id '{o.AnsweredTenant ?? "(none)"}'");
                    }
                }
            }
        }

        report.Criteria.Add(new Criterion("§8 namespace isolation", "every tenant asking the same texts gets its own answer (tenant_id = caller)",
            foreign.Count == 0, foreign.Count == 0 ? $"{ctx.Run.Tenants.Count * 4} answers checked" : string.Join("; ", foreign)));

        var arm = await ctx.RunArmAsync(ctx.External ? "deployment" : "on", "protections on", target, client, IsolationScenario.Streams(ctx, w, runId),
            IsolationScenario.Phases(w), w.Duration, IsolationScenario.VictimGroup, null, cancellationToken);
        report.Arms.Add(arm);

        var rec = arm.Recorder;
        var spike = rec.Get(spiker.Id, "spike");
        var v = rec.Merge(victims, null, "victims");
        report.Criteria.Add(new Criterion("smoke", $"{spiker.Id} receives 429s while it spikes", spike.Throttled > 0,
            $"{spike.Throttled} × 429 of {spike.Requests}"));
        report.Criteria.Add(new Criterion("smoke", "the other tenants receive no 429", v.Throttled == 0, $"{v.Throttled} × 429 in {v.Requests} requests"));
        report.Criteria.Add(new Criterion("smoke", "the other tenants receive no 504", v.TimedOut == 0, $"{v.TimedOut} × 504 in {v.Requests} requests"));
        report.Criteria.Add(new Criterion("§8 namespace isolation", "no answer under load carries another tenant's tenant_id",
            rec.Merge(ctx.Run.Tenants.Select(t => t.Id), null, "all").Mismatch == 0,
            $"{rec.Merge(ctx.Run.Tenants.Select(t => t.Id), null, "all").Mismatch} mismatches"));
        report.Notes.Add(FormattableString.Invariant($"Victims (informational, not asserted): {v.Requests} requests, {v.Shed} × 503, {v.TransportErrors + v.OtherStatus + v.Overflow} other errors, p95 {Fmt.Ms(v.P(95))} ms."));
        return report;
    }
}
