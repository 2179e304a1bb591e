namespace Gateway.Transforms.Caching.Semantic.Guard;

/// <summary>
/// A deliberately light suffix stripper: plurals, -ing, -ed. It only has to make the two sides of a
/// paraphrase agree ("submitting timesheets" vs "submit my timesheet"), not produce real stems; the
/// guard's prefix rule covers what it leaves ("creat" vs "create").
/// </summary>
internal static class Stemmer
{
    public static string Stem(string word)
    {
        var w = word;
        if (w.Length > 4 && w.EndsWith("ies", StringComparison.Ordinal))
        {
            return w[..^3] + "y";
        }

        if (w.Length > 3 && w[^1] == 's' && w[^2] is not ('s' or 'u' or 'i'))
        {
            w = w[..^1];
        }

        if (w.Length > 5 && w.EndsWith("ing", StringComparison.Ordinal))
        {
            w = UndoubleConsonant(w[..^3]);
        }
        else if (w.Length > 4 && w.EndsWith("ed", StringComparison.Ordinal))
        {
            w = UndoubleConsonant(w[..^2]);
        }

        return w;
    }

    // "submitting" -> "submitt" -> "submit"; "referring" -> "refer".
    private static string UndoubleConsonant(string w) =>
        w.Length > 3 && w[^1] == w[^2] && w[^1] is not ('l' or 's' or 'z' or 'e' or 'o' or 'a' or 'i' or 'u') ? w[..^1] : w;
}
