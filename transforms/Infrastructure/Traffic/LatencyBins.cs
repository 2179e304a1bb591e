namespace Gateway.Transforms.Infrastructure.Traffic;

/// <summary>
/// Fixed logarithmic latency bins for the per-tenant windows: 0.25 ms to about 16 s in steps of 25%, plus one bin for
/// everything slower. A percentile read from them is within one step (25%) of the true value, which is plenty to compare
/// a p95 with a tier budget of hundreds of milliseconds, and a window costs <see cref="Count"/> integers.
/// </summary>
internal static class LatencyBins
{
    /// <summary>Upper bound of the first bin, in seconds.</summary>
    public const double First = 0.00025;

    /// <summary>Ratio of one bin's upper bound to the previous one's.</summary>
    public const double Step = 1.25;

    /// <summary>Number of bins, the last one open-ended.</summary>
    public const int Count = 51;

    private static readonly double LogStep = Math.Log(Step);

    /// <summary>Upper bounds in seconds; the last bin's is <see cref="double.PositiveInfinity"/>.</summary>
    public static readonly IReadOnlyList<double> UpperBounds = Enumerable.Range(0, Count)
        .Select(i => i == Count - 1 ? double.PositiveInfinity : First * Math.Pow(Step, i))
        .ToArray();

    /// <summary>The bin of a duration of <paramref name="seconds"/>.</summary>
    public static int Of(double seconds)
    {
        if (!(seconds > First))
        {
            return 0;
        }

        var bin = (int)Math.Ceiling((Math.Log(seconds / First) / LogStep) - 1e-9);
        return Math.Clamp(bin, 0, Count - 1);
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0..1) of the durations counted in <paramref name="bins"/>, interpolated linearly
    /// within its bin; null when nothing was counted. The open last bin reports its lower bound.
    /// </summary>
    public static double? Quantile(ReadOnlySpan<int> bins, double quantile)
    {
        long total = 0;
        foreach (var count in bins)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = quantile * total;
        long seen = 0;
        for (var i = 0; i < bins.Length; i++)
        {
            if (bins[i] == 0)
            {
                continue;
            }

            if (seen + bins[i] >= rank)
            {
                var lower = i == 0 ? 0 : UpperBounds[i - 1];
                if (i == Count - 1)
                {
                    return lower;
                }

                var within = (rank - seen) / bins[i];
                return lower + ((UpperBounds[i] - lower) * Math.Clamp(within, 0, 1));
            }

            seen += bins[i];
        }

        return UpperBounds[Count - 2];
    }
}
