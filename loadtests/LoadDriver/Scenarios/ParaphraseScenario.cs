using System.Diagnostics;
using System.Globalization;
using LoadDriver.Load;
using LoadDriver.Reporting;

namespace LoadDriver.Scenarios;

/// <summary>
/// The cache scenario in other words: every tenant asks the questions of <c>loadtests/paraphrases.json</c>, the
/// intent drawn from Zipf(intents, <c>cache.zipfExponent</c>) and the wording uniformly, at its steady rate. Two arms
/// on fresh gateways with the same request sequence: the exact-key cache alone, then with the semantic cache
/// (embedded model) on the route. Reports both hit rates after the warm-up and what the semantic step cost.
/// </summary>
internal static class ParaphraseScenario
{
    public const string Name = "paraphrase";

    private const string EmbeddingSeries = "gateway_cache_semantic_embedding_duration_seconds";

    public static async Task<ScenarioReport> RunAsync(DriverContext ctx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (ctx.External)
        {
            throw new InvalidDataException("paraphrase compares two gateway set-ups the driver starts itself; --gateway-url is not supported");
        }

        var sc = ctx.Run.File.Scenarios.Cache!;
        var corpus = ParaphraseCorpus.Load(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ctx.Options.ScenarioFile))!, "paraphrases.json"));
        var duration = ctx.Run.Seconds(sc.DurationSeconds);
        var warmup = ctx.Run.Seconds(sc.WarmupSeconds);
        var report = new ScenarioReport(Name, "Cache in other words: exact-only against exact + semantic",
            FormattableString.Invariant($"All tenants steady for {duration} s; each request asks one of {corpus.Topics.Count} intents, drawn from Zipf({corpus.Topics.Count}, {sc.ZipfExponent}), in one of {corpus.Templates.Count} wordings drawn uniformly; the same sequence against each arm. Hit rate = X-Cache HIT among 200 answers after {warmup} s; semantic hits carry X-Cache-Match."));

        var exact = await RunArmAsync(ctx, corpus, sc, duration, warmup, semantic: false, cancellationToken);
        var semantic = await RunArmAsync(ctx, corpus, sc, duration, warmup, semantic: true, cancellationToken);
        report.Arms.Add(exact.Arm);
        report.Arms.Add(semantic.Arm);

        var rows = new List<IReadOnlyList<string>>();
        foreach (var arm in new[] { exact, semantic })
        {
            var s = arm.Measured;
            rows.Add([arm.Arm.Description, Fmt.N(s.Requests), Fmt.Pct(s.HitRate), Fmt.Pct((double)(s.Hits - s.SemanticHits) / s.CacheAnswers), Fmt.Pct((double)s.SemanticHits / s.CacheAnswers),
                Fmt.N(s.Misses), Ms(arm.CpuMsPerRequest), Fmt.N(arm.Embedded), $"{Ms(arm.EmbeddingMeanMs)} / {Ms(arm.EmbeddingP50Ms)} / {Ms(arm.EmbeddingP95Ms)}", arm.Skipped,
                Fmt.N(arm.RssBytes / (1024 * 1024))]);
        }

        report.Tables.Add(new ReportTable($"Hit rate after {warmup} s warm-up, all tenants", ["arm", "requests", "hit rate", "exact hits", "semantic hits", "misses", "CPU ms per request", "embeddings", "embedding ms mean / p50 / p95", "skipped: over budget / circuit open / model loading / no time left", "process RSS at the end (MiB)"], rows));

        var addedCpu = semantic.CpuMsPerRequest - exact.CpuMsPerRequest;
        var lookups = semantic.Embedded + semantic.Recalled;
        report.Notes.Add(FormattableString.Invariant(
            $"CPU is the driver process's (simulated backend, gateway and generator share it) over each whole arm. The semantic arm used {addedCpu:0.00} ms more per request; over its {lookups} semantic lookups ({semantic.Embedded} embedded, {semantic.Recalled} answered from a remembered match without embedding) that is {(lookups == 0 ? 0 : addedCpu * semantic.Arm.Planned / lookups):0.0} ms per lookup. An embedding took {semantic.EmbeddingMeanMs:0.0} ms on average over the whole arm; after the warm-up its p50 was {semantic.EmbeddingP50Ms:0.0} ms and its p95 {semantic.EmbeddingP95Ms:0.0} ms (wall time the request waited for it, queueing for the model's threads included; embeddings and skips are counted over the whole arm, warm-up included). RSS is the whole driver process's (generator, backend and gateway) after each arm; the semantic arm's holds the model and the tenants' indexes on top: {(semantic.RssBytes - exact.RssBytes) / (1024.0 * 1024):0} MiB more."));
        report.Notes.Add("Tenants ask the same texts: a semantic hit from another tenant's entry would show as a namespace mismatch below.");

        report.Criteria.Add(new Criterion("semantic cache", "exact + semantic serves more of the paraphrased traffic from the cache than exact-only",
            semantic.Measured.HitRate > exact.Measured.HitRate, $"{Fmt.Pct(exact.Measured.HitRate)} → {Fmt.Pct(semantic.Measured.HitRate)}") { Headline = true });
        report.Criteria.Add(new Criterion("workload", "nearly all requests answered in both arms (error rate < 1%)",
            exact.Measured.ErrorRate < 0.01 && semantic.Measured.ErrorRate < 0.01, $"{Fmt.Pct(exact.Measured.ErrorRate)} and {Fmt.Pct(semantic.Measured.ErrorRate)}"));
        Common.AddNamespaceAndWorkload(report, exact.Arm, "exact-only: ");
        Common.AddNamespaceAndWorkload(report, semantic.Arm, "exact + semantic: ");
        return report;
    }

    private static async Task<ParaphraseArm> RunArmAsync(DriverContext ctx, ParaphraseCorpus corpus, CacheSettings sc, int duration, int warmup, bool semantic, CancellationToken cancellationToken)
    {
        var name = semantic ? "semantic" : "exact";
        ctx.Console.WriteLine($"== {Name} ({name})");
        IReadOnlyList<(string, double)> phases = [("warmup", 0), ("measure", warmup)];
        await using var target = await ctx.StartTargetAsync($"{Name}-{name}", ctx.BedOptions(protections: true, spikeTier: false) with { Semantic = semantic, SemanticBudgetMs = ctx.Options.SemanticBudgetMs }, cancellationToken);
        using var client = ctx.CreateClient(target);
        using var metrics = new HttpClient { BaseAddress = target.GatewayUrl, Timeout = TimeSpan.FromSeconds(10) };

        // With Redis, entries of an earlier run would count as hits: start from an empty cache.
        foreach (var tenant in ctx.Run.Tenants)
        {
            await client.InvalidateAsync(tenant.Id, ctx.AdminToken, cancellationToken);
        }

        if (semantic)
        {
            await WaitForModelAsync(ctx, client, metrics, cancellationToken);
        }

        var streams = ctx.Run.Tenants.Select(t => Stream(ctx, corpus, sc, t, duration)).ToList();
        var before = await ScrapeAsync(metrics, cancellationToken);
        using var times = new EmbeddingTimes();
        times.Start(TimeSpan.FromSeconds(warmup));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var arm = await ctx.RunArmAsync(name, semantic ? "exact + semantic" : "exact-only", target, client, streams, phases, duration, null, null, cancellationToken);
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var after = await ScrapeAsync(metrics, cancellationToken);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        var rss = process.WorkingSet64;

        var embedded = Delta(before, after, $"{EmbeddingSeries}_count", "ok");
        var seconds = Delta(before, after, $"{EmbeddingSeries}_sum", "ok");
        var skipped = string.Join(" / ", new[] { "budget_exceeded", "circuit_open", "not_ready", "no_time_left" }.Select(r => Fmt.N((long)Delta(before, after, $"{EmbeddingSeries}_count", r))));
        var measured = arm.Recorder.Merge(ctx.Run.Tenants.Select(t => t.Id), ["measure"], "all");

        var recalled = (long)Delta(before, after, "gateway_cache_semantic_similarity_count", "recalled");
        return new ParaphraseArm(arm, measured, cpuMs / Math.Max(1, arm.Planned), (long)embedded, embedded == 0 ? 0 : seconds * 1000 / embedded, times.Millis(50), times.Millis(95), semantic ? skipped : "-", recalled, rss);
    }

    private static LoadStream Stream(DriverContext ctx, ParaphraseCorpus corpus, CacheSettings sc, Tenant tenant, int duration)
    {
        var intents = ZipfSampler.For(corpus.Topics.Count, sc.ZipfExponent, tenant.Id, 1, Name);
        var wordings = new Random((int)ZipfSampler.HashString($"{Name}|wording|{tenant.Id}"));
        return new LoadStream($"steady_{tenant.Id}", tenant, "tenant", tenant.Rate, 0, duration, ctx.Tokens[tenant.Id],
            _ => corpus.Text(intents.Next() - 1, wordings.Next(corpus.Templates.Count)));
    }

    /// <summary>The model loads in the background at start-up (0.4–2 s); measure from when it answers.</summary>
    private static async Task WaitForModelAsync(DriverContext ctx, RagClient client, HttpClient metrics, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await client.QueryAsync(ctx.Tokens[ctx.Run.Tenants[0].Id], $"is the model loaded yet {Guid.NewGuid():N}", cancellationToken);
            if (Value(await ScrapeAsync(metrics, cancellationToken), $"{EmbeddingSeries}_count", "ok") > 0)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new InvalidDataException("the embedded model did not answer within 60 s");
    }

    private static double Delta(string before, string after, string series, string result) => Value(after, series, result) - Value(before, series, result);

    /// <summary>Sum of the samples of <paramref name="series"/> labelled <c>result="..."</c> in a Prometheus exposition.</summary>
    private static double Value(string exposition, string series, string result)
    {
        var label = $"result=\"{result}\"";
        return exposition.Split('\n')
            .Where(l => l.StartsWith(series + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static async Task<string> ScrapeAsync(HttpClient metrics, CancellationToken cancellationToken) => await metrics.GetStringAsync("metrics", cancellationToken);

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture);

    private sealed record ParaphraseArm(ArmResult Arm, TenantPhaseStats Measured, double CpuMsPerRequest, long Embedded, double EmbeddingMeanMs, double EmbeddingP50Ms, double EmbeddingP95Ms, string Skipped, long Recalled, long RssBytes);
}
