using System.Globalization;

namespace Gateway.Config.Formats;

/// <summary>Parses size strings such as <c>40GB</c>, <c>512KB</c> or <c>1048576</c> (binary units: 1KB = 1024 bytes).</summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Multiplier)[] Units =
    [
        ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10),
        ("T", 1L << 40), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10), ("B", 1),
    ];

    /// <summary>Parses <paramref name="text"/>; false when it is empty, malformed, non-positive or overflows.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        long multiplier = 1;
        foreach (var (suffix, value) in Units)
        {
            if (span.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                multiplier = value;
                span = span[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!decimal.TryParse(span, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            return false;
        }

        try
        {
            bytes = checked((long)(number * multiplier));
        }
        catch (OverflowException)
        {
            return false;
        }

        return bytes > 0;
    }
}
