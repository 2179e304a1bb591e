using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Transforms.Caching.Semantic.Guard;

/// <summary>Numbers, amounts, versions and periods: the details whose spelling varies most.</summary>
internal static partial class DetailExtractor
{
    /// <summary>"third quarter", "quarter 3", "first half", "last quarter", "this year", "today".</summary>
    private static bool TryPeriodPhrase(List<Token> tokens, int i, out string period, out int consumed)
    {
        period = "";
        consumed = 0;
        var word = tokens[i].Lower;
        var next = i + 1 < tokens.Count ? tokens[i + 1].Lower : null;

        if (Lexicon.RelativeWords.Contains(word))
        {
            (period, consumed) = ("~" + word, 1);
            return true;
        }

        if (next is null)
        {
            return false;
        }

        if (Lexicon.PeriodOrdinals.TryGetValue(word, out var ordinal) && next is "quarter" or "half")
        {
            (period, consumed) = ((next == "quarter" ? "q" : "h") + ordinal, 2);
            return true;
        }

        if (word is "quarter" && next is "1" or "2" or "3" or "4")
        {
            (period, consumed) = ("q" + next, 2);
            return true;
        }

        if (Lexicon.RelativeModifiers.TryGetValue(word, out var modifier) && Lexicon.RelativeUnits.Contains(next))
        {
            (period, consumed) = ("~" + modifier + "-" + next, 2);
            return true;
        }

        return false;
    }

    /// <summary>Canonical form of a token with digits: "$100k" is 100000, "v2.4" is 2.4, "FY23" is 2023, "3rd" is 3.</summary>
    private static string CanonicalNumber(string lower, bool isAmount)
    {
        var m = AmountPattern().Match(lower);
        if (m.Success && (isAmount || m.Groups[2].Value is "bn" or "mn"))
        {
            var value = decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * m.Groups[2].Value switch
            {
                "k" => 1_000m,
                "m" or "mn" => 1_000_000m,
                "b" or "bn" => 1_000_000_000m,
                _ => 1m,
            };
            return value.ToString("0.##", CultureInfo.InvariantCulture);
        }

        m = VersionPattern().Match(lower);
        if (m.Success)
        {
            return m.Groups[1].Value;
        }

        m = FiscalYearPattern().Match(lower);
        if (m.Success)
        {
            return m.Groups[1].Value.Length == 2 ? "20" + m.Groups[1].Value : m.Groups[1].Value;
        }

        m = OrdinalPattern().Match(lower);
        return m.Success ? m.Groups[1].Value : lower.TrimEnd('.');
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(k|m|mn|b|bn)?$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^v(\d+(?:\.\d+)*)$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^fy(\d{2}|\d{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex FiscalYearPattern();

    [GeneratedRegex(@"^(\d+)(?:st|nd|rd|th)$", RegexOptions.CultureInvariant)]
    private static partial Regex OrdinalPattern();
}
