using LoadDriver.Load;

namespace LoadDriver.Scenarios;

/// <summary>Builds the constant-arrival-rate streams of a scenario, with the k6 scripts' query choice.</summary>
internal static class Streams
{
    /// <summary>
    /// A stream whose queries follow <paramref name="settings"/>' query mode: <c>unique</c> sends
    /// <c>u-{stream}-{i}</c> (never repeats, every admitted request reaches the backend), <c>zipf</c> draws ranks
    /// from the tenant's seeded sampler (k6 salts it with the scenario name).
    /// </summary>
    public static LoadStream Create(
        DriverContext ctx, string scenarioName, ScenarioSettings settings, string runId, string name, Tenant tenant, string group,
        double rate, double startSeconds, double durationSeconds)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tenant);
        Func<long, string> query;
        if (settings.QueryMode == "unique")
        {
            query = i => ctx.Run.QueryText(runId, FormattableString.Invariant($"u-{name}-{i}"));
        }
        else
        {
            var sampler = ZipfSampler.For(settings.DistinctQueries, settings.ZipfExponent, tenant.Id, 1, scenarioName);
            query = _ => ctx.Run.QueryText(runId, sampler.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new LoadStream(name, tenant, group, rate, startSeconds, durationSeconds, ctx.Tokens[tenant.Id], query);
    }

    /// <summary>Every tenant at its steady rate for the whole scenario.</summary>
    public static List<LoadStream> Steady(DriverContext ctx, string scenarioName, ScenarioSettings settings, string runId, int durationSeconds, Func<Tenant, string> group)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return [.. ctx.Run.Tenants.Select(t => Create(ctx, scenarioName, settings, runId, $"steady_{t.Id}", t, group(t), t.Rate, 0, durationSeconds))];
    }
}
