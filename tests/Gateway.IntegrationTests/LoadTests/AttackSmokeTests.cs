using System.Diagnostics;
using LoadDriver.Commands;
using LoadDriver.Load;
using LoadDriver.Reporting;
using LoadDriver.Scenarios;
using LoadDriver.Scenarios.Attacks;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.LoadTests;

/// <summary>
/// The adversarial isolation suite's CI run (<c>attacks-smoke</c>): every attack shape (a)–(g) for a few seconds with the
/// gateway's protections on, the gateway and the simulated backend in their own processes as in the full suite.
/// Functional outcomes only, never timings: the attacker is refused, shed or cut off, and the victims are never refused
/// (no 429, no 503). Victims' budgets are relaxed tenfold in this run so a stalled CI machine cannot fake a shed.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class AttackSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AttackSuite_EveryShapeWithProtectionsOn_AttackerStoppedAndVictimsNeverRefused()
    {
        // Arrange
        var outDir = Path.Combine(Path.GetTempPath(), $"loaddriver-attacks-{Guid.NewGuid():N}");
        var options = DriverOptions.Parse(["--out", outDir, "--quiet"], TextWriter.Null)!;
        var run = new ResolvedRun(ScenarioFile.Load(options.ScenarioFile), 1, 1);
        using var log = new StringWriter();
        var ctx = new DriverContext(options, run, log);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var clock = Stopwatch.StartNew();

        // Act
        var reports = await AttackSuite.RunAsync(ctx, smoke: true, timeout.Token);
        clock.Stop();

        // Assert
        var attacker = run.File.Scenarios.Isolation!.SpikeTenant;
        var victims = run.Tenants.Where(t => t.Id != attacker).Select(t => t.Id).ToList();
        var failures = new List<string>();
        var shapes = reports.Where(r => r.Key.StartsWith("attack-", StringComparison.Ordinal)).ToList();
        foreach (var report in shapes)
        {
            var on = Assert.Single(report.Arms);
            var v = on.Recorder.Merge(victims, null, "victims");
            var stopped = report.Criteria.Single(c => c.Name.Contains("the attacker is refused, shed or cut off", StringComparison.Ordinal));
            output.WriteLine($"{report.Title}: victims {v.Requests} requests, {v.Throttled}×429, {v.Shed}×503, {v.TimedOut}×504; attacker: {stopped.Detail}");
            if (v.Throttled + v.Shed > 0)
            {
                failures.Add($"{report.Title}: victims refused ({v.Throttled}×429, {v.Shed}×503)");
            }

            if (!stopped.Passed)
            {
                failures.Add($"{report.Title}: the attacker was not stopped: {stopped.Detail}");
            }

            // (d) rehearses its uploads in the warm-up (second 0 here), before the baseline window.
            var attackSeries = on.Recorder.Series(AttackSuite.AttackGroup);
            var rehearsed = Enum.GetValues<OutcomeKind>().Sum(kind => attackSeries.Count(0, kind));
            if (report.Key == "attack-d" && rehearsed == 0)
            {
                failures.Add($"{report.Title}: no rehearsal answered in the warm-up");
            }
        }

        output.WriteLine($"attack smoke run took {clock.Elapsed.TotalSeconds:0} s");
        if (failures.Count > 0)
        {
            ScenarioCommand.WriteReports(outDir, new RunInfo("attacks-smoke (xunit)", DateTimeOffset.UtcNow, clock.Elapsed, options.ScenarioFile,
                1, 1, "child processes", "embedded", "simulated"), reports);
            output.WriteLine($"report kept in {outDir}");
            output.WriteLine(log.ToString());
        }
        else
        {
            ReportFolder.TryDelete(outDir);
        }

        Assert.Equal(AttackShape.All.Count, shapes.Count);
        Assert.Empty(failures);
    }
}
