using System.Diagnostics;
using System.Text;
using LoadDriver.Commands;
using LoadDriver.Reporting;
using LoadDriver.Scenarios;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.LoadTests;

/// <summary>
/// The load driver's <c>smoke</c> run in CI: the real gateway and the simulated backend in-process, the isolation
/// schedule of <c>loadtests/scenarios.json</c> shortened (duration × 0.1, steady rates × 0.5; the spike stays at
/// 10× the spike tenant's limit). Functional outcomes only, never timings.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class IsolationSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Smoke_OneTenantSpikesTenTimesItsLimit_OnlyItIsThrottledAndNobodyTimesOutOrLeaks()
    {
        // Arrange
        var outDir = Path.Combine(Path.GetTempPath(), $"loaddriver-smoke-{Guid.NewGuid():N}");
        var options = DriverOptions.Parse(["--out", outDir, "--quiet"], TextWriter.Null)!;
        var run = new ResolvedRun(ScenarioFile.Load(options.ScenarioFile), SmokeScenario.DefaultRateScale, SmokeScenario.DefaultDurationScale);
        using var log = new OutputWriter(output);
        var ctx = new DriverContext(options, run, log);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var clock = Stopwatch.StartNew();

        // Act
        var report = await SmokeScenario.RunAsync(ctx, timeout.Token);
        clock.Stop();

        // Assert
        foreach (var c in report.Criteria)
        {
            output.WriteLine($"{(c.Passed ? "ok  " : "FAIL")} {c.Spec}: {c.Name} — {c.Detail}");
        }

        output.WriteLine($"smoke run took {clock.Elapsed.TotalSeconds:0.0} s");
        var failed = report.Criteria.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Detail}").ToList();
        if (failed.Count > 0)
        {
            ScenarioCommand.WriteReports(outDir, new RunInfo("smoke (xunit)", DateTimeOffset.UtcNow, clock.Elapsed, options.ScenarioFile,
                run.RateScale, run.DurationScale, "in-process", "embedded", "simulated"), [report]);
            output.WriteLine($"report kept in {outDir}");
        }
        else
        {
            ReportFolder.TryDelete(outDir);
        }

        Assert.Empty(failed);
        Assert.Contains(report.Criteria, c => c.Name.Contains("receives 429s", StringComparison.Ordinal));
    }

    /// <summary>Forwards the driver's console lines to the test output.</summary>
    private sealed class OutputWriter(ITestOutputHelper output) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_line)
            {
                if (value == '\n')
                {
                    output.WriteLine(_line.ToString());
                    _line.Clear();
                }
                else if (value != '\r')
                {
                    _line.Append(value);
                }
            }
        }
    }
}
