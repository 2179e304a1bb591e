using LoadDriver.Load;
using LoadDriver.Reporting;

namespace LoadDriver.Scenarios;

/// <summary>Criteria every scenario shares.</summary>
internal static class Common
{
    /// <summary>§8 namespace isolation (no answer carries another tenant's id) and the generator's own health.</summary>
    public static void AddNamespaceAndWorkload(ScenarioReport report, ArmResult arm, string tag, bool enforced = true)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(arm);
        var all = arm.Recorder.Merge(arm.Tenants.Select(t => t.Id), null, "all");
        report.Criteria.Add(new Criterion("§8 namespace isolation", $"{tag}no tenant receives another tenant's answer (tenant_id checked on every 200)",
            all.Mismatch == 0, $"{all.Mismatch} mismatches in {all.Ok} answers ({all.MissingTenantId} answers without tenant_id)", enforced));

        // k6 allows max(5, 1%) dropped iterations; overflow is the driver's equivalent.
        var allowance = Math.Max(5, (long)Math.Ceiling(arm.Planned * 0.01));
        var lag = arm.Recorder.SendLag;
        report.Criteria.Add(new Criterion("workload", $"{tag}the generator kept the arrival rates (overflow ≤ {allowance}, i.e. max(5, 1%) of {arm.Planned} planned)",
            all.Overflow <= allowance,
            FormattableString.Invariant($"{all.Overflow} overflow, {all.TransportErrors} transport errors; send lag p99 {LatencyHistogram.Millis(lag, 99):0.0} ms, max {LatencyHistogram.Millis(lag, 100):0.0} ms (included in latencies)"),
            enforced));
    }
}
