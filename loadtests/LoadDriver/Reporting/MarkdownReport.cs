using System.Globalization;
using System.Text;

namespace LoadDriver.Reporting;

/// <summary>Writes <c>report.md</c>: verdicts first, then each scenario's criteria, tables and per-tenant figures.</summary>
internal static class MarkdownReport
{
    public static string Render(RunInfo info, IReadOnlyList<ScenarioReport> reports)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(reports);
        var md = new StringBuilder();
        var passed = reports.All(r => r.Passed);
        md.AppendLine($"# Load test report: {(passed ? "PASSED" : "FAILED")}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- command: `{info.Command}`");
        md.AppendLine(CultureInfo.InvariantCulture, $"- started: {info.Started:yyyy-MM-dd HH:mm:ss} UTC, wall clock {info.WallClock.TotalSeconds:0} s, {Environment.ProcessorCount} cores (load generator, gateway and backend share them)");
        md.AppendLine(CultureInfo.InvariantCulture, $"- scenario file: `{info.ScenarioFile}`, rate scale {info.RateScale:0.###}, duration scale {info.DurationScale:0.###}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- target: {info.Target}; store: {info.Store}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- backend: {info.Backend}");
        md.AppendLine("- latency is measured from each request's intended send time (open loop, no coordinated omission)").AppendLine();

        md.AppendLine("## SPEC §8 success criteria").AppendLine();
        md.AppendLine("| criterion | verdict | evidence |").AppendLine("|---|---|---|");
        foreach (var (spec, text) in SpecSummary.Rows)
        {
            var (verdict, evidence) = SpecSummary.Evaluate(reports, spec);
            md.Append(CultureInfo.InvariantCulture, $"| {text} | **{verdict}** | {(Escape(evidence, keepBreaks: true))} |").AppendLine();
        }

        md.AppendLine();
        foreach (var r in reports)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {r.Title} ({(r.Passed ? "passed" : "FAILED")})").AppendLine();
            md.AppendLine(r.Description).AppendLine();
            foreach (var arm in r.Arms)
            {
                var config = arm.GatewayConfigPath is null ? "" : $"; gateway config `{Path.GetFileName(arm.GatewayConfigPath)}`";
                md.AppendLine(CultureInfo.InvariantCulture, $"- arm **{arm.Name}**: {arm.Description}; {arm.Planned} requests planned, {arm.WallClock.TotalSeconds:0} s{config}");
            }

            if (r.Criteria.Count > 0)
            {
                md.AppendLine().AppendLine("| | criterion | detail |").AppendLine("|---|---|---|");
            }

            foreach (var c in r.Criteria)
            {
                var mark = c.Passed ? "ok" : c.Enforced ? "**FAIL**" : "over (not enforced)";
                md.AppendLine(CultureInfo.InvariantCulture, $"| {mark} | {Escape(c.Spec)}: {Escape(c.Name)} | {Escape(c.Detail)} |");
            }

            foreach (var t in r.Tables)
            {
                md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### {t.Title}").AppendLine();
                AppendTable(md, t.Headers, t.Rows);
            }

            if (r.ChartGroup is not null && r.Arms.Count > 0)
            {
                md.AppendLine().AppendLine("### Victims' p95 per second (ms; the chart is in report.html)").AppendLine();
                AppendSeries(md, r);
            }

            foreach (var arm in r.Arms)
            {
                md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### Per tenant: {r.Key} [{arm.Name}]").AppendLine();
                AppendTable(md, TenantTable.Headers, TenantTable.Rows(arm));
                if (arm.BackendStats is not null)
                {
                    md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Backend `/stats` after the run: `{arm.BackendStats}`");
                }
            }

            foreach (var n in r.Notes)
            {
                md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Note: {n}");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static void AppendSeries(StringBuilder md, ScenarioReport r)
    {
        var seconds = r.Arms.Max(a => a.Recorder.Seconds);
        md.Append("| second |");
        foreach (var a in r.Arms)
        {
            md.Append(CultureInfo.InvariantCulture, $" {a.Name} p95 | {a.Name} errors |");
        }

        md.AppendLine().Append("|---|").AppendLine(string.Concat(Enumerable.Repeat("---|---|", r.Arms.Count)));
        for (var s = 0; s < seconds; s++)
        {
            var inSpike = r.SpikeWindow is { } w && s >= w.Start && s < w.End;
            md.Append(CultureInfo.InvariantCulture, $"| {s}{(inSpike ? $" ({r.WindowLabel})" : "")} |");
            foreach (var a in r.Arms)
            {
                var series = a.Recorder.Series(r.ChartGroup!);
                var errors = Enum.GetValues<Load.OutcomeKind>().Where(k => k != Load.OutcomeKind.Ok).Sum(k => series.Count(s, k));
                md.Append(CultureInfo.InvariantCulture, $" {Fmt.Ms(series.P(s, 95))} | {errors} |");
            }

            md.AppendLine();
        }
    }

    private static void AppendTable(StringBuilder md, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        md.Append("| ").AppendJoin(" | ", headers.Select(h => Escape(h))).AppendLine(" |");
        md.Append('|').Append(string.Concat(Enumerable.Repeat("---|", headers.Count))).AppendLine();
        foreach (var row in rows)
        {
            md.Append("| ").AppendJoin(" | ", row.Select(c => Escape(c))).AppendLine(" |");
        }
    }

    private static string Escape(string text, bool keepBreaks = false)
    {
        var escaped = text.Replace("|", "\\|", StringComparison.Ordinal);
        return keepBreaks ? escaped : escaped.Replace("<br>", "; ", StringComparison.Ordinal);
    }
}
