using System.Globalization;

namespace LoadDriver.Reporting;

/// <summary>Number formatting for the reports (invariant culture, '-' for missing values).</summary>
internal static class Fmt
{
    public static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Pct(double fraction, int decimals = 2) =>
        double.IsNaN(fraction) ? "-" : (fraction * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";

    public static string SignedPct(double percent) =>
        double.IsNaN(percent) ? "-" : percent.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";

    public static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Percentage change from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static double Change(double before, double after) => before > 0 && !double.IsNaN(after) ? (after - before) / before * 100 : double.NaN;
}
