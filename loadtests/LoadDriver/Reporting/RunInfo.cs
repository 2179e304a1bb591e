namespace LoadDriver.Reporting;

/// <summary>How the run was set up, printed at the top of both reports.</summary>
internal sealed record RunInfo(
    string Command,
    DateTimeOffset Started,
    TimeSpan WallClock,
    string ScenarioFile,
    double RateScale,
    double DurationScale,
    string Target,
    string Store,
    string Backend);

/// <summary>The §8 summary: one row per success criterion.</summary>
internal static class SpecSummary
{
    public static readonly (string Spec, string Criterion)[] Rows =
    [
        ("§8 namespace isolation", "100% namespace isolation: no tenant ever receives another tenant's answer"),
        ("§8 SLA", "Tier SLAs enforced with hard timeouts, ≥ 99.5% compliance"),
        ("§8 hit rate", "Cache hit rate above 75% per tenant on a repeated-query workload"),
        ("§8 isolation", "While one tenant spikes far above its limit, the others keep their p95 within 10% of baseline"),
        ("§8 invalidation", "Tenant-scoped invalidation affects only that tenant"),
        (Scenarios.Attacks.AttackVerdict.Spec, "Every attack shape (flood, slow queries, streams, stalled uploads, bad tokens, invalidation storm, quota filling) leaves the others' p95 within 10% of baseline, unrefused; the control shows the damage"),
    ];

    /// <summary>PASS / FAIL / not run, and the evidence (headline criteria, else failures, else a count).</summary>
    public static (string Verdict, string Evidence) Evaluate(IReadOnlyList<ScenarioReport> reports, string spec)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var criteria = reports.SelectMany(r => r.Criteria.Select(c => (r.Key, c))).Where(x => x.c.Spec == spec && x.c.Enforced).ToList();
        if (criteria.Count == 0)
        {
            return ("not run", "-");
        }

        var failed = criteria.Where(x => !x.c.Passed).ToList();
        var headline = criteria.Where(x => x.c.Headline).Select(x => $"{x.Key}: {x.c.Name} — {x.c.Detail}").ToList();
        var evidence = failed.Count > 0
            ? string.Join("<br>", failed.Select(x => $"{x.Key}: {x.c.Name} — {x.c.Detail}").Concat(headline).Distinct())
            : headline.Count > 0 ? string.Join("<br>", headline) : $"{criteria.Count} check(s) passed in {string.Join(", ", criteria.Select(x => x.Key).Distinct())}";
        return (failed.Count == 0 ? "PASS" : "FAIL", evidence);
    }
}
