namespace LoadDriver.Reporting;

/// <summary>The per-tenant, per-phase figures of one arm, shared by the Markdown and HTML reports.</summary>
internal static class TenantTable
{
    public static readonly string[] Headers =
        ["tenant", "tier", "phase", "reqs", "p50 ms", "p95 ms", "p99 ms", "in SLA", "hit rate", "429", "503", "504", "other err", "leaks"];

    public static List<IReadOnlyList<string>> Rows(ArmResult arm)
    {
        ArgumentNullException.ThrowIfNull(arm);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var t in arm.Tenants)
        {
            foreach (var (phase, _) in arm.Phases)
            {
                rows.Add(Row(t.Id, t.Tier, phase, arm.Recorder.Get(t.Id, phase)));
            }

            rows.Add(Row(t.Id, t.Tier, "**all**", arm.Recorder.Merge([t.Id], null, t.Id)));
        }

        return rows;
    }

    private static string[] Row(string tenant, string tier, string phase, Load.TenantPhaseStats s) =>
    [
        tenant, tier, phase, Fmt.N(s.Requests), Fmt.Ms(s.P(50)), Fmt.Ms(s.P(95)), Fmt.Ms(s.P(99)), Fmt.Pct(s.SlaCompliance),
        Fmt.Pct(s.HitRate), Fmt.N(s.Throttled), Fmt.N(s.Shed), Fmt.N(s.TimedOut), Fmt.N(s.OtherStatus + s.TransportErrors + s.Overflow), Fmt.N(s.Mismatch),
    ];
}
