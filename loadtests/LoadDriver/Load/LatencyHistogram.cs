using HdrHistogram;

namespace LoadDriver.Load;

/// <summary>A microsecond HdrHistogram clamped to its range, so a freak value is counted instead of throwing.</summary>
internal static class LatencyHistogram
{
    /// <summary>Highest trackable latency: two minutes, far beyond any client timeout the driver uses.</summary>
    public const long HighestMicros = 120_000_000;

    public static LongHistogram Create(int significantDigits = 3) => new(HighestMicros, significantDigits);

    public static void Record(HistogramBase histogram, long micros) =>
        histogram.RecordValue(Math.Clamp(micros, 1, HighestMicros));

    /// <summary>The value at <paramref name="percentile"/> in milliseconds, or NaN when empty.</summary>
    public static double Millis(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? double.NaN : histogram.GetValueAtPercentile(percentile) / 1000.0;
}
