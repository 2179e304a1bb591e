using System.Globalization;

namespace LoadDriver.Scenarios;

/// <summary>A tenant as one run drives it: the file's rate times <c>--rate-scale</c>, with its tier's budget and limit.</summary>
internal sealed record Tenant(string Id, string Tier, double Rate, int TimeoutMs, int MaxQps);

/// <summary>
/// The scenario file with the command line's scales applied, the way <c>config-core.js resolveConfig</c> applies
/// <c>RATE_SCALE</c> and <c>DURATION_SCALE</c>: rates multiply every tenant's steady rate (the isolation spike is
/// defined against the gateway's limit and is not scaled); every <c>*Seconds</c> value becomes
/// <c>max(1, round(seconds × scale))</c>, 0 staying 0.
/// </summary>
internal sealed class ResolvedRun
{
    public ResolvedRun(ScenarioFile file, double rateScale, double durationScale)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rateScale, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(durationScale, 0);
        File = file;
        RateScale = rateScale;
        DurationScale = durationScale;
        Tenants = [.. file.Tenants.Select(t => new Tenant(t.Id, t.Tier, t.Rate * rateScale, file.Tiers[t.Tier].TimeoutMs, file.Tiers[t.Tier].MaxQps))];
    }

    public ScenarioFile File { get; }

    public double RateScale { get; }

    public double DurationScale { get; }

    public IReadOnlyList<Tenant> Tenants { get; }

    public Tenant TenantById(string id) => Tenants.FirstOrDefault(t => t.Id == id) ?? throw new InvalidDataException($"unknown tenant '{id}'");

    public int Seconds(int seconds) => seconds == 0 ? 0 : Math.Max(1, (int)Math.Round(seconds * DurationScale, MidpointRounding.AwayFromZero));

    /// <summary>The query text both load tools send: the same text for every tenant, so a namespace leak is detectable.</summary>
    public string QueryText(string runId, string rank) =>
        File.QueryTemplate.Replace("{runId}", runId, StringComparison.Ordinal).Replace("{rank}", rank, StringComparison.Ordinal);

    /// <summary>config-core.js <c>newRunId</c>: base-36 milliseconds plus two random base-36 digits.</summary>
    public static string NewRunId(DateTimeOffset now, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return ToBase36(now.ToUnixTimeMilliseconds()) + ToBase36(random.Next(1296)).PadLeft(2, '0');
    }

    private static string ToBase36(long value)
    {
        const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        if (value == 0)
        {
            return "0";
        }

        var chars = new Stack<char>();
        while (value > 0)
        {
            chars.Push(Digits[(int)(value % 36)]);
            value /= 36;
        }

        return new string([.. chars]);
    }

    public static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
