using System.Diagnostics;
using LoadDriver.Reporting;
using LoadDriver.Scenarios;
using LoadDriver.Scenarios.Attacks;

namespace LoadDriver.Commands;

/// <summary>
/// <c>isolation | sla | cache | invalidation | smoke | all</c>: runs the scenarios, writes <c>report.md</c> and
/// <c>report.html</c> to <c>--out</c>, prints the verdicts, and exits 1 when a criterion fails (2 on a set-up error).
/// </summary>
internal static class ScenarioCommand
{
    public static readonly string[] Names = ["isolation", "sla", "cache", "invalidation", "paraphrase", "smoke", "all", AttackSuite.Name, AttackSmoke];

    /// <summary>The attack suite's CI run: protections only, short windows, functional assertions.</summary>
    public const string AttackSmoke = "attacks-smoke";

    public static async Task<int> RunAsync(string command, string[] args)
    {
        var options = DriverOptions.Parse(args, Console.Error);
        if (options is null)
        {
            return 64;
        }

        ResolvedRun run;
        try
        {
            var smoke = command == SmokeScenario.Name;
            run = new ResolvedRun(ScenarioFile.Load(options.ScenarioFile),
                options.RateScale ?? (smoke ? SmokeScenario.DefaultRateScale : 1),
                options.DurationScale ?? (smoke ? SmokeScenario.DefaultDurationScale : 1));
        }
        catch (InvalidDataException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        // Bounded whatever happens: the longest plan (all four scenarios, isolation twice) plus generous slack.
        cts.CancelAfter(TimeSpan.FromSeconds(PlannedSeconds(run, command) * 2 + 180));

        var ctx = new DriverContext(options, run, Console.Out);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        List<ScenarioReport> reports;
        try
        {
            Console.WriteLine($"load driver: {command}; report folder {Path.GetFullPath(options.OutDir)}");
            Console.WriteLine($"  target: {TargetText(ctx, command)}");
            reports = await RunScenariosAsync(ctx, command, cts.Token);
        }
        catch (Exception ex) when (ex is InvalidDataException or Gateway.Config.Reload.GatewayConfigurationException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled (Ctrl+C or the run's time bound); no report written");
            return 130;
        }

        clock.Stop();
        var info = new RunInfo(
            "dotnet run -c Release --project loadtests/LoadDriver -- " + string.Join(' ', new[] { command }.Concat(args)),
            started, clock.Elapsed, options.ScenarioFile, run.RateScale, run.DurationScale, TargetText(ctx, command),
            options.Redis is null ? "embedded in-process store" : $"Redis ({options.Redis})",
            ctx.External ? "the deployment's" : BackendText(ctx, command));
        var paths = WriteReports(options.OutDir, info, reports);
        PrintVerdicts(reports);
        var passed = reports.All(r => r.Passed);
        Console.WriteLine($"{(passed ? "PASSED" : "FAILED")}: {paths.Markdown}  {paths.Html}");
        return passed ? 0 : 1;
    }

    public static async Task<List<ScenarioReport>> RunScenariosAsync(DriverContext ctx, string command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var reports = new List<ScenarioReport>();
        var order = command == "all" ? new[] { "isolation", "sla", "cache", "invalidation" } : [command];
        foreach (var name in order)
        {
            if (name is AttackSuite.Name or AttackSmoke)
            {
                reports.AddRange(await AttackSuite.RunAsync(ctx, smoke: name == AttackSmoke, cancellationToken));
                continue;
            }

            reports.Add(name switch
            {
                IsolationScenario.Name => await IsolationScenario.RunAsync(ctx, cancellationToken),
                SlaScenario.Name => await SlaScenario.RunAsync(ctx, cancellationToken),
                CacheScenario.Name => await CacheScenario.RunAsync(ctx, cancellationToken),
                ParaphraseScenario.Name => await ParaphraseScenario.RunAsync(ctx, cancellationToken),
                InvalidationScenario.Name => await InvalidationScenario.RunAsync(ctx, cancellationToken),
                SmokeScenario.Name => await SmokeScenario.RunAsync(ctx, cancellationToken),
                _ => throw new InvalidDataException($"unknown scenario {name}"),
            });
        }

        return reports;
    }

    public static (string Markdown, string Html) WriteReports(string outDir, RunInfo info, IReadOnlyList<ScenarioReport> reports)
    {
        Directory.CreateDirectory(outDir);
        var md = Path.Combine(outDir, "report.md");
        var html = Path.Combine(outDir, "report.html");
        File.WriteAllText(md, MarkdownReport.Render(info, reports));
        File.WriteAllText(html, HtmlReport.Render(info, reports));
        return (md, html);
    }

    private static void PrintVerdicts(IReadOnlyList<ScenarioReport> reports)
    {
        Console.WriteLine();
        foreach (var (spec, text) in SpecSummary.Rows)
        {
            var (verdict, evidence) = SpecSummary.Evaluate(reports, spec);
            Console.WriteLine($"{verdict,-8} {text}");
            if (evidence != "-")
            {
                foreach (var line in evidence.Split("<br>"))
                {
                    Console.WriteLine($"         {line}");
                }
            }
        }

        Console.WriteLine();
        foreach (var r in reports)
        {
            foreach (var c in r.Criteria.Where(c => !c.Passed && c.Enforced))
            {
                Console.WriteLine($"FAIL     {r.Key}: {c.Spec}: {c.Name} — {c.Detail}");
            }
        }
    }

    private static string TargetText(DriverContext ctx, string command) => ctx.External
        ? $"external gateway {ctx.Options.GatewayUrl} (nothing started here; no control run)"
        : command is AttackSuite.Name or AttackSmoke
            ? "gateway and simulated backend each in their own process (dotnet Gateway.dll / RagBackendSim.dll) on 127.0.0.1 free ports; this process is the load generator alone"
            : "in-process gateway + simulated backend on 127.0.0.1 free ports";

    private static string BackendText(DriverContext ctx, string command)
    {
        var o = ctx.Options;
        var fair = o.FairMaxInFlight > 0 ? o.FairMaxInFlight : o.BackendCapacity;
        var main = FormattableString.Invariant(
            $"simulated, capacity {o.BackendCapacity} concurrent queries (rest FIFO), log-normal service time median {o.BackendMedianMs:0.#} ms / p99 {o.BackendP99Ms:0.#} ms (≈ {o.BackendCapacity / MeanServiceSeconds(o.BackendMedianMs, o.BackendP99Ms):0} req/s at saturation); gateway Fairness:MaxInFlight {fair}");
        return command == SmokeScenario.Name ? "simulated, capacity 64, median 5 ms / p99 20 ms (room to spare; the smoke asserts functions, not timings)"
            : command is AttackSuite.Name or AttackSmoke ? main + "; backend and gateway each in their own process" : main;
    }

    /// <summary>Mean of the simulator's log-normal service time, in seconds.</summary>
    public static double MeanServiceSeconds(double medianMs, double p99Ms)
    {
        var sigma = Math.Log(p99Ms / medianMs) / 2.3263;
        return medianMs * Math.Exp(sigma * sigma / 2) / 1000;
    }

    private static double PlannedSeconds(ResolvedRun run, string command)
    {
        var s = run.File.Scenarios;
        return command switch
        {
            "isolation" => 2 * run.Seconds(s.Isolation!.DurationSeconds),
            "sla" => run.Seconds(s.Sla!.DurationSeconds),
            "cache" => run.Seconds(s.Cache!.DurationSeconds),
            "paraphrase" => 2 * run.Seconds(s.Cache!.DurationSeconds),
            "invalidation" => run.Seconds(s.Invalidation!.DurationSeconds),
            "smoke" => run.Seconds(s.Isolation!.DurationSeconds),
            AttackSuite.Name => 2 * 7 * (AttackSuite.Resolve(run, smoke: false).Duration + 15),
            AttackSmoke => 7 * (AttackSuite.Resolve(run, smoke: true).Duration + 15),
            _ => (2 * run.Seconds(s.Isolation!.DurationSeconds)) + run.Seconds(s.Sla!.DurationSeconds) + run.Seconds(s.Cache!.DurationSeconds) + run.Seconds(s.Invalidation!.DurationSeconds),
        };
    }
}
