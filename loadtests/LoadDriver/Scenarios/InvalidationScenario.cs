using System.Text.Json.Nodes;
using LoadDriver.Load;
using LoadDriver.Reporting;

namespace LoadDriver.Scenarios;

/// <summary>
/// SPEC §8 "invalidation affects only that tenant" and §4 "immediate", as <c>k6/invalidation.js</c>: steady Zipf
/// traffic; at <c>invalidateAtSeconds</c> probe queries are warmed for every tenant, a cross-tenant invalidation is
/// refused, the admin invalidates the target, and at once the target's probes MISS while everyone else's still HIT.
/// Afterwards the other tenants' hit rate stays above <c>minHitRate</c>.
/// </summary>
internal static class InvalidationScenario
{
    public const string Name = "invalidation";
    private static readonly string[] MetricsFields = ["tenant_id", "hits", "misses", "hit_rate", "size_bytes", "key_count", "quota_bytes"];

    public static async Task<ScenarioReport> RunAsync(DriverContext ctx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var sc = ctx.Run.File.Scenarios.Invalidation!;
        var duration = ctx.Run.Seconds(sc.DurationSeconds);
        var at = ctx.Run.Seconds(sc.InvalidateAtSeconds);
        if (at >= duration)
        {
            throw new InvalidDataException("--duration-scale rounding put the invalidation after the end of the run");
        }

        var targetTenant = ctx.Run.TenantById(sc.InvalidateTenant);
        var others = ctx.Run.Tenants.Where(t => t.Id != targetTenant.Id).ToList();
        var report = new ScenarioReport(Name, $"Invalidation: invalidating {targetTenant.Id} affects only {targetTenant.Id}",
            FormattableString.Invariant($"All tenants steady for {duration} s, Zipf({sc.DistinctQueries}, {sc.ZipfExponent}); at {at} s the admin API invalidates {targetTenant.Id} between probe checks."));
        IReadOnlyList<(string, double)> phases = [("pre", 0), ("post", at)];
        var runId = ResolvedRun.NewRunId(DateTimeOffset.UtcNow, Random.Shared);
        var steps = new List<Criterion>();

        ctx.Console.WriteLine("== invalidation");
        await using var target = await ctx.StartTargetAsync(Name, ctx.BedOptions(protections: true, spikeTier: false), cancellationToken);
        using var client = ctx.CreateClient(target);
        var action = new TimedAction(at, ct => ProbeAndInvalidateAsync(ctx, client, runId, sc.ProbeQueries, targetTenant, others, steps, ct));
        var arm = await ctx.RunArmAsync(ctx.External ? "deployment" : "on", "protections on", target, client,
            Streams.Steady(ctx, Name, sc, runId, duration, t => t.Id == targetTenant.Id ? "invalidated" : "tenant"), phases, duration, null, [action], cancellationToken);
        report.Arms.Add(arm);
        report.Criteria.AddRange(steps);

        var rows = new List<IReadOnlyList<string>>();
        foreach (var t in ctx.Run.Tenants)
        {
            var pre = arm.Recorder.Get(t.Id, "pre");
            var post = arm.Recorder.Get(t.Id, "post");
            var isTarget = t.Id == targetTenant.Id;
            rows.Add([t.Id, Fmt.Pct(pre.HitRate), Fmt.Pct(post.HitRate), isTarget ? "(invalidated)" : $">{Fmt.Pct(sc.MinHitRate, 0)}"]);
            if (!isTarget)
            {
                report.Criteria.Add(new Criterion("§8 invalidation", $"{t.Id} keeps a hit rate above {Fmt.Pct(sc.MinHitRate, 0)} after {targetTenant.Id} is invalidated",
                    post.HitRate > sc.MinHitRate, $"{Fmt.Pct(pre.HitRate)} before, {Fmt.Pct(post.HitRate)} after"));
            }
        }

        report.Tables.Add(new ReportTable($"Steady hit rate before / after invalidating {targetTenant.Id} at {at} s", ["tenant", "before", "after", "required after"], rows));
        Common.AddNamespaceAndWorkload(report, arm, "");
        return report;
    }

    private static async Task ProbeAndInvalidateAsync(
        DriverContext ctx, RagClient client, string runId, int probes, Tenant target, List<Tenant> others, List<Criterion> steps, CancellationToken ct)
    {
        string Probe(int i) => ctx.Run.QueryText(runId, FormattableString.Invariant($"invalidation-probe-{i}"));
        // A probe answered 429 says nothing about the cache (steady traffic may have used the tenant's burst): retry it.
        async Task<QueryOutcome> Send(Tenant t, int i)
        {
            var outcome = await client.QueryAsync(ctx.Tokens[t.Id], Probe(i), ct);
            for (var retry = 0; retry < 5 && outcome.Kind == OutcomeKind.Throttled; retry++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                outcome = await client.QueryAsync(ctx.Tokens[t.Id], Probe(i), ct);
            }

            return outcome;
        }

        var all = others.Prepend(target).ToList();
        var mismatches = 0;
        void Check(Tenant t, QueryOutcome o)
        {
            if (o.AnsweredTenant is not null && o.AnsweredTenant != t.Id)
            {
                mismatches++;
            }
        }

        // 1. Warm every tenant's probes: the repeat must be a HIT.
        var warm = new List<string>();
        foreach (var t in all)
        {
            for (var i = 1; i <= probes; i++)
            {
                Check(t, await Send(t, i));
                var again = await Send(t, i);
                Check(t, again);
                if (again.Cache != "HIT")
                {
                    warm.Add($"{t.Id}#{i}={again.Cache ?? again.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                }
            }
        }

        steps.Add(new Criterion("precondition", "probe answers were cached before the invalidation (repeat = HIT)", warm.Count == 0,
            warm.Count == 0 ? $"{all.Count * probes} probes warm" : "not HIT: " + string.Join(", ", warm)));

        // 2. Admin metrics answer the documented fields.
        var (metricsStatus, metrics) = await client.CacheMetricsAsync(target.Id, ctx.AdminToken, ct);
        steps.Add(new Criterion("§7 admin API", $"GET /admin/cache/metrics/{target.Id} answers {string.Join(", ", MetricsFields)}",
            metricsStatus == 200 && metrics is not null && MetricsFields.All(metrics.ContainsKey) && metrics["tenant_id"]?.GetValue<string>() == target.Id,
            $"status {metricsStatus}: {Compact(metrics)}"));

        // 3. Another tenant's token must not invalidate the target, nor flush anything.
        var intruder = others[0];
        var (deniedStatus, _) = await client.InvalidateAsync(target.Id, ctx.Tokens[intruder.Id], ct);
        var intact = await Send(target, 1);
        steps.Add(new Criterion("§8 invalidation", $"{intruder.Id}'s token cannot invalidate {target.Id}, and the attempt flushes nothing",
            deniedStatus is 401 or 403 && intact.Cache == "HIT", $"status {deniedStatus}; {target.Id} probe afterwards: {intact.Cache ?? "-"}"));

        // 4. The invalidation itself.
        var (status, body) = await client.InvalidateAsync(target.Id, ctx.AdminToken, ct);
        steps.Add(new Criterion("§7 admin API", $"POST /admin/cache/invalidate {{\"tenant_id\":\"{target.Id}\"}} answers 200 with tenant_id, deleted_keys, message",
            status == 200 && body is not null && body["tenant_id"]?.GetValue<string>() == target.Id && body["deleted_keys"] is JsonValue && body["message"] is JsonValue,
            $"status {status}: {Compact(body)}"));

        // 5. At once: the target's probes miss, everyone else's still hit.
        var targetHits = new List<string>();
        for (var i = 1; i <= probes; i++)
        {
            var o = await Send(target, i);
            Check(target, o);
            if (o.Cache != "MISS")
            {
                targetHits.Add($"#{i}={o.Cache ?? "-"}");
            }
        }

        var otherMisses = new List<string>();
        foreach (var t in others)
        {
            for (var i = 1; i <= probes; i++)
            {
                var o = await Send(t, i);
                Check(t, o);
                if (o.Cache != "HIT")
                {
                    otherMisses.Add($"{t.Id}#{i}={o.Cache ?? "-"}");
                }
            }
        }

        steps.Add(new Criterion("§8 invalidation", $"immediately afterwards every {target.Id} probe is a MISS (§4 immediate)", targetHits.Count == 0,
            targetHits.Count == 0 ? $"{probes} of {probes} MISS" : "not MISS: " + string.Join(", ", targetHits)));
        steps.Add(new Criterion("§8 invalidation", $"every other tenant's probe is still a HIT (only {target.Id} is affected)", otherMisses.Count == 0,
            otherMisses.Count == 0 ? $"{others.Count * probes} of {others.Count * probes} HIT" : "not HIT: " + string.Join(", ", otherMisses)));
        steps.Add(new Criterion("§8 namespace isolation", "probe answers carry the caller's tenant_id", mismatches == 0, $"{mismatches} mismatches"));
        ctx.Console.WriteLine($"  invalidation of {target.Id}: admin status {status}, cross-tenant attempt status {deniedStatus}");
    }

    private static string Compact(JsonObject? body) => body is null ? "no JSON body" : body.ToJsonString();
}
