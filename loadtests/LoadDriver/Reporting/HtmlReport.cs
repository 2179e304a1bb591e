using System.Globalization;
using System.Net;
using System.Text;
using LoadDriver.Load;

namespace LoadDriver.Reporting;

/// <summary>
/// Writes <c>report.html</c>: the Markdown report's content as one self-contained page (no scripts, no external
/// files), with an inline SVG chart of the victims' p95 per second for each isolation arm side by side.
/// </summary>
internal static class HtmlReport
{
    private const string Style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f23;max-width:1400px}
        table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:right}
        td:first-child,th:first-child,td.l{text-align:left}th{background:#f6f8fa}
        .pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:700}.na{color:#6e7781}
        .charts{display:flex;gap:16px;flex-wrap:wrap}.chart{border:1px solid #d0d7de;padding:8px}
        code{background:#f6f8fa;padding:1px 4px}details{margin:8px 0}
        """;

    public static string Render(RunInfo info, IReadOnlyList<ScenarioReport> reports)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(reports);
        var passed = reports.All(r => r.Passed);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Load test report</title><style>").Append(Style).Append("</style></head><body>");
        h.Append(CultureInfo.InvariantCulture, $"<h1>Load test report: <span class=\"{(passed ? "pass" : "fail")}\">{(passed ? "PASSED" : "FAILED")}</span></h1>");
        h.Append("<ul>");
        h.Append(CultureInfo.InvariantCulture, $"<li>command: <code>{E(info.Command)}</code></li>");
        h.Append(CultureInfo.InvariantCulture, $"<li>started {info.Started:yyyy-MM-dd HH:mm:ss} UTC, wall clock {info.WallClock.TotalSeconds:0} s, {Environment.ProcessorCount} cores shared by load generator, gateway and backend</li>");
        h.Append(CultureInfo.InvariantCulture, $"<li>scenario file <code>{E(info.ScenarioFile)}</code>, rate scale {info.RateScale:0.###}, duration scale {info.DurationScale:0.###}</li>");
        h.Append(CultureInfo.InvariantCulture, $"<li>target: {E(info.Target)}; store: {E(info.Store)}</li><li>backend: {E(info.Backend)}</li>");
        h.Append("<li>latency is measured from each request's intended send time (open loop, no coordinated omission)</li></ul>");

        h.Append("<h2>SPEC §8 success criteria</h2><table><tr><th>criterion</th><th>verdict</th><th>evidence</th></tr>");
        foreach (var (spec, text) in SpecSummary.Rows)
        {
            var (verdict, evidence) = SpecSummary.Evaluate(reports, spec);
            var css = verdict == "PASS" ? "pass" : verdict == "FAIL" ? "fail" : "na";
            h.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"l\">{E(text)}</td><td class=\"l {css}\">{verdict}</td><td class=\"l\">{E(evidence).Replace("&lt;br&gt;", "<br>", StringComparison.Ordinal)}</td></tr>");
        }

        h.Append("</table>");
        foreach (var r in reports)
        {
            h.Append(CultureInfo.InvariantCulture, $"<h2>{E(r.Title)} <span class=\"{(r.Passed ? "pass" : "fail")}\">({(r.Passed ? "passed" : "FAILED")})</span></h2><p>{E(r.Description)}</p><ul>");
            foreach (var arm in r.Arms)
            {
                h.Append(CultureInfo.InvariantCulture, $"<li>arm <b>{E(arm.Name)}</b>: {E(arm.Description)}; {arm.Planned} requests planned, {arm.WallClock.TotalSeconds:0} s</li>");
            }

            h.Append("</ul>");
            if (r.ChartGroup is not null && r.SpikeWindow is { } window && r.Arms.Count > 0)
            {
                h.Append(CultureInfo.InvariantCulture, $"<h3>Victims' p95 per second (pooled), {E(r.WindowLabel)} window shaded</h3><div class=\"charts\">");
                foreach (var arm in r.Arms)
                {
                    h.Append("<div class=\"chart\">").Append(Chart(arm, r.ChartGroup, window, r.WindowLabel)).Append("</div>");
                }

                h.Append("</div><p class=\"na\">Each panel has its own y scale. Dashed: the victims' pooled p95 in the baseline window and +10%. Red bars: victims' errors (429/503/504/transport) per second. Grey: p50.</p>");
            }

            if (r.Criteria.Count > 0)
            {
                h.Append("<table><tr><th></th><th>criterion</th><th>detail</th></tr>");
                foreach (var c in r.Criteria)
                {
                    var (css, mark) = c.Passed ? ("pass", "ok") : c.Enforced ? ("fail", "FAIL") : ("na", "over (not enforced)");
                    h.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"l {css}\">{mark}</td><td class=\"l\">{E(c.Spec)}: {E(c.Name)}</td><td class=\"l\">{E(c.Detail)}</td></tr>");
                }

                h.Append("</table>");
            }

            foreach (var t in r.Tables)
            {
                h.Append(CultureInfo.InvariantCulture, $"<h3>{E(t.Title)}</h3>");
                Table(h, t.Headers, t.Rows);
            }

            foreach (var arm in r.Arms)
            {
                h.Append(CultureInfo.InvariantCulture, $"<details{(r.Arms.Count == 1 ? " open" : "")}><summary>Per tenant and phase: {E(r.Key)} [{E(arm.Name)}]</summary>");
                Table(h, TenantTable.Headers, TenantTable.Rows(arm));
                if (arm.BackendStats is not null)
                {
                    h.Append(CultureInfo.InvariantCulture, $"<p>Backend <code>/stats</code>: <code>{E(arm.BackendStats)}</code></p>");
                }

                h.Append("</details>");
            }

            foreach (var n in r.Notes)
            {
                h.Append(CultureInfo.InvariantCulture, $"<p class=\"na\">Note: {E(n)}</p>");
            }
        }

        return h.Append("</body></html>").ToString();
    }

    private static void Table(StringBuilder h, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        h.Append("<table><tr>");
        foreach (var head in headers)
        {
            h.Append("<th>").Append(E(head)).Append("</th>");
        }

        h.Append("</tr>");
        foreach (var row in rows)
        {
            var bold = row.Any(c => c.StartsWith("**", StringComparison.Ordinal));
            h.Append(bold ? "<tr style=\"font-weight:600\">" : "<tr>");
            foreach (var cell in row)
            {
                h.Append("<td>").Append(E(cell.Trim('*'))).Append("</td>");
            }

            h.Append("</tr>");
        }

        h.Append("</table>");
    }

    /// <summary>One arm's panel: p95 and p50 per second, baseline and +10% lines, errors as bars, spike shaded.</summary>
    internal static string Chart(ArmResult arm, string group, (double Start, double End) spike, string label = "spike")
    {
        ArgumentNullException.ThrowIfNull(arm);
        const int W = 620, H = 320, L = 56, R = 12, T = 28, B = 40;
        var series = arm.Recorder.Series(group);
        var n = arm.Recorder.Seconds;
        var p95 = Enumerable.Range(0, n).Select(s => series.P(s, 95)).ToArray();
        var p50 = Enumerable.Range(0, n).Select(s => series.P(s, 50)).ToArray();
        var errors = Enumerable.Range(0, n).Select(s => Enum.GetValues<OutcomeKind>().Where(k => k != OutcomeKind.Ok).Sum(k => series.Count(s, k))).ToArray();
        var baseP95 = SeriesBaseline(arm, group);
        var max = Math.Max(p95.Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max(), double.IsNaN(baseP95) ? 0 : baseP95 * 1.1);
        var yMax = NiceCeiling(max * 1.05);
        var maxErrors = Math.Max(1, errors.Max());
        double X(double second) => L + (second / n * (W - L - R));
        double Y(double ms) => T + ((1 - (ms / yMax)) * (H - T - B));
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-size=\"11\" font-family=\"system-ui,sans-serif\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{L}\" y=\"16\" font-size=\"13\" font-weight=\"600\">{E(arm.Description.Split(':')[0])}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(X(spike.Start))}\" y=\"{T}\" width=\"{F(X(spike.End) - X(spike.Start))}\" height=\"{H - T - B}\" fill=\"#fff1c2\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F((X(spike.Start) + X(spike.End)) / 2)}\" y=\"{T + 12}\" text-anchor=\"middle\" fill=\"#9a6700\">{E(label)}</text>");
        for (var i = 0; i <= 5; i++)
        {
            var v = yMax * i / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{F(Y(v))}\" y2=\"{F(Y(v))}\" stroke=\"#eaeef2\"/><text x=\"{L - 4}\" y=\"{F(Y(v) + 4)}\" text-anchor=\"end\">{F(v)}</text>");
        }

        var step = n <= 20 ? 2 : n <= 60 ? 10 : 15;
        for (var s = 0; s <= n; s += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(s))}\" y=\"{H - B + 14}\" text-anchor=\"middle\">{s}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(L + W - R) / 2}\" y=\"{H - 6}\" text-anchor=\"middle\">seconds (intended send time)</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(12 {(T + H - B) / 2}) rotate(-90)\" text-anchor=\"middle\">ms</text>");
        for (var s = 0; s < n; s++)
        {
            if (errors[s] > 0)
            {
                var height = 30.0 * errors[s] / maxErrors;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(X(s))}\" y=\"{F(H - B - height)}\" width=\"{F(Math.Max(1, X(s + 1) - X(s) - 1))}\" height=\"{F(height)}\" fill=\"#cf222e\" opacity=\"0.6\"><title>second {s}: {errors[s]} errors</title></rect>");
            }
        }

        if (!double.IsNaN(baseP95))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{F(Y(baseP95))}\" y2=\"{F(Y(baseP95))}\" stroke=\"#1a7f37\" stroke-dasharray=\"4 3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{F(Y(baseP95 * 1.1))}\" y2=\"{F(Y(baseP95 * 1.1))}\" stroke=\"#bf8700\" stroke-dasharray=\"2 3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{W - R - 2}\" y=\"{F(Y(baseP95 * 1.1) - 3)}\" text-anchor=\"end\" fill=\"#9a6700\">baseline p95 {F(baseP95)} ms, +10%</text>");
        }

        svg.Append(Polyline(p50, X, Y, "#8c959f", 1));
        svg.Append(Polyline(p95, X, Y, "#0969da", 2));
        svg.Append("</svg>");
        return svg.ToString();
    }

    // The group's pooled p95 over the baseline window, from the per-second histograms (what the panel plots).
    private static double SeriesBaseline(ArmResult arm, string group)
    {
        // The baseline window runs up to the next phase (the spike or the attack).
        var phases = arm.Phases.ToList();
        var index = phases.FindIndex(p => p.Name == "baseline");
        var start = index < 0 ? 0 : phases[index].Start;
        var end = index < 0 || index + 1 >= phases.Count ? 0 : phases[index + 1].Start;
        if (end <= start)
        {
            return double.NaN;
        }

        var merged = LatencyHistogram.Create(2);
        var any = false;
        var series = arm.Recorder.Series(group);
        for (var s = (int)start; s < (int)end; s++)
        {
            if (series.Histogram(s) is { } h)
            {
                merged.Add(h);
                any = true;
            }
        }

        return any ? LatencyHistogram.Millis(merged, 95) : double.NaN;
    }

    private static string Polyline(double[] values, Func<double, double> x, Func<double, double> y, string color, double width)
    {
        var sb = new StringBuilder();
        var open = false;
        for (var s = 0; s < values.Length; s++)
        {
            if (double.IsNaN(values[s]))
            {
                if (open)
                {
                    sb.Append("\"/>");
                    open = false;
                }

                continue;
            }

            if (!open)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"{width}\" points=\"");
                open = true;
            }

            sb.Append(CultureInfo.InvariantCulture, $"{x(s + 0.5):0.#},{y(values[s]):0.#} ");
        }

        if (open)
        {
            sb.Append("\"/>");
        }

        return sb.ToString();
    }

    private static double NiceCeiling(double value)
    {
        if (value <= 0 || double.IsNaN(value))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var m in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (m * magnitude >= value)
            {
                return m * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
