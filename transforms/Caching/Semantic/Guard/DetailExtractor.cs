using System.Text.RegularExpressions;

namespace Gateway.Transforms.Caching.Semantic.Guard;

/// <summary>
/// Turns a query into <see cref="QueryDetails"/>: the facts that change its answer, and its content
/// words normalised so that case, punctuation, contractions, stop words and word order do not matter.
/// </summary>
/// <remarks>
/// Details are: numbers and identifiers containing digits (amounts with their currency, versions with
/// "v" dropped, ordinals, FY years, "Q3", "X200", "us-east-1"); quarters and halves written in words;
/// months, weekdays and relative periods ("last quarter"); named entities, meaning acronyms,
/// camel-case words and capitalised words that do not start a sentence, plus a short list of places
/// recognised in lower case; and negation. Capitalisation is ignored when the whole query is in title
/// or upper case, where it says nothing. Deterministic; a few microseconds per query.
/// </remarks>
internal static partial class DetailExtractor
{
    private const string Negation = "~not";

    public static QueryDetails Extract(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = Tokenize(Prepare(text));
        var caseIsInformative = CaseIsInformative(tokens);

        var details = new SortedSet<string>(StringComparer.Ordinal);
        var contrasts = new SortedSet<string>(StringComparer.Ordinal);
        var words = new SortedSet<string>(StringComparer.Ordinal);
        var joins = new SortedSet<string>(StringComparer.Ordinal);
        var sequence = new List<string>(tokens.Count);
        string? previousContent = null;

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var lower = token.Lower;
            sequence.AddRange(lower.Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries));

            if (TryPeriodPhrase(tokens, i, out var period, out var consumed))
            {
                Add(period, isDetail: true);
                i += consumed - 1;
                previousContent = null;
                continue;
            }

            if (token.HasDigit)
            {
                if (token.Currency is { } currency)
                {
                    Add(currency, isDetail: true);
                }

                Add(CanonicalNumber(lower, token.Currency is not null), isDetail: true);
                previousContent = null;
                continue;
            }

            if (Lexicon.Negations.Contains(lower))
            {
                Add(Negation, isDetail: true);
                previousContent = null;
                continue;
            }

            if (Lexicon.NumberWords.TryGetValue(lower, out var number))
            {
                Add(number, isDetail: true);
                previousContent = null;
                continue;
            }

            if (Lexicon.Weekdays.TryGetValue(lower, out var weekday))
            {
                Add(weekday, isDetail: true);
                previousContent = null;
                continue;
            }

            if (Lexicon.Months.TryGetValue(lower, out var month) && (token.Capitalised || !Lexicon.AmbiguousLowerCaseMonths.Contains(lower)))
            {
                Add(month, isDetail: true);
                previousContent = null;
                continue;
            }

            var parts = lower.Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries);
            var joined = string.Concat(parts);
            var entity = IsEntity(token, caseIsInformative) || Lexicon.Places.Contains(joined);
            if (!entity && parts.Length == 1 && Lexicon.StopWords.Contains(joined))
            {
                previousContent = null;
                continue;
            }

            if (Lexicon.Contrasts.TryGetValue(joined, out var contrast))
            {
                contrasts.Add(contrast);
                words.Add(contrast);
                previousContent = null;
                continue;
            }

            var stem = Stemmer.Stem(joined);
            Add(stem, entity);
            if (parts.Length > 1)
            {
                foreach (var part in parts)
                {
                    if (!Lexicon.StopWords.Contains(part))
                    {
                        words.Add(Stemmer.Stem(part));
                    }
                }
            }

            if (previousContent is not null)
            {
                joins.Add(previousContent + stem);
            }

            previousContent = stem;
        }

        // Adjacent words written together, stop words included: "on call" is "oncall", "set up" is "setup".
        for (var i = 1; i < sequence.Count; i++)
        {
            joins.Add(Stemmer.Stem(sequence[i - 1] + sequence[i]));
        }

        return new QueryDetails([.. details], [.. contrasts], [.. words], [.. joins], [.. sequence]);

        void Add(string value, bool isDetail)
        {
            words.Add(value);
            if (isDetail)
            {
                details.Add(value);
            }
        }
    }

    private static readonly char[] WordSeparators = ['-', '_', '/', '.'];

    /// <summary>Apostrophes, contractions, "401(k)" and thousands separators, before tokenising.</summary>
    private static string Prepare(string text)
    {
        var s = text.Replace('\u2019', '\'').Replace('\u2018', '\'');
        s = WontPattern().Replace(s, "will not");
        s = CantPattern().Replace(s, "can not");
        s = NotContractionPattern().Replace(s, " not");
        s = OtherContractionPattern().Replace(s, "");
        s = ParenthesisedSuffixPattern().Replace(s, "$1$2");
        s = ThousandsSeparatorPattern().Replace(s, "");
        return s;
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var previousEnd = 0;
        foreach (var match in TokenPattern().EnumerateMatches(text))
        {
            var raw = text.AsSpan(match.Index, match.Length);
            var sentenceStart = tokens.Count == 0 || text.AsSpan(previousEnd, match.Index - previousEnd).IndexOfAny(SentenceBreaks) >= 0;
            previousEnd = match.Index + match.Length;

            string? currency = raw[0] switch
            {
                '$' => "usd",
                '\u20ac' => "eur",
                '\u00a3' => "gbp",
                _ => null,
            };
            if (currency is not null)
            {
                raw = raw[1..];
            }

            var lower = raw.ToString().ToLowerInvariant();
            if (Lexicon.BareContractions.TryGetValue(lower, out var expanded))
            {
                foreach (var word in expanded.Split(' '))
                {
                    tokens.Add(new Token(word, false, false, false, false, sentenceStart, null));
                    sentenceStart = false;
                }

                continue;
            }

            var hasDigit = raw.IndexOfAnyInRange('0', '9') >= 0;
            var capitalised = char.IsUpper(raw[0]);
            var allCaps = raw.Length >= 2 && !raw.ContainsAnyExcept(UpperCaseAndSeparators) && raw.ContainsAnyInRange('A', 'Z');
            var innerUpper = raw.Length > 1 && raw[1..].ContainsAnyInRange('A', 'Z') && !allCaps;
            tokens.Add(new Token(lower, hasDigit, capitalised, allCaps, innerUpper, sentenceStart, currency));
        }

        return tokens;
    }

    private static readonly System.Buffers.SearchValues<char> SentenceBreaks = System.Buffers.SearchValues.Create(".?!:;\n");

    private static readonly System.Buffers.SearchValues<char> UpperCaseAndSeparators =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/.");

    /// <summary>
    /// Capitalisation marks names only in sentence-case text. In "How Do I Reset My Password" or in
    /// all caps it marks nothing, and treating every word as a name would refuse every paraphrase.
    /// </summary>
    private static bool CaseIsInformative(List<Token> tokens)
    {
        int letters = 0, capitalised = 0, upper = 0;
        foreach (var token in tokens)
        {
            if (token.HasDigit || Lexicon.StopWords.Contains(token.Lower) && !token.AllCaps)
            {
                continue;
            }

            // Acronyms are upper case in any style of writing, so they do not mark title case.
            letters++;
            capitalised += token.Capitalised && !token.AllCaps ? 1 : 0;
            upper += token.AllCaps ? 1 : 0;
        }

        return letters < 3 || (capitalised * 10 < letters * 7 && upper * 10 < letters * 7);
    }

    private static bool IsEntity(Token token, bool caseIsInformative)
    {
        if (!caseIsInformative)
        {
            return false;
        }

        // "US", "EU", "PTO", "macOS", "HubSpot" are names; "I" and a capitalised "The" are not.
        if (token.AllCaps)
        {
            return token.Lower.Length <= 6;
        }

        if (Lexicon.StopWords.Contains(token.Lower))
        {
            return false;
        }

        return token.InnerUpper || (token.Capitalised && !token.SentenceStart);
    }

    private readonly record struct Token(string Lower, bool HasDigit, bool Capitalised, bool AllCaps, bool InnerUpper, bool SentenceStart, string? Currency);

    [GeneratedRegex(@"[$\u20ac\u00a3]?[\p{L}\p{N}]+(?:[.\-_/][\p{L}\p{N}]+)*%?", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"\bwon't\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WontPattern();

    [GeneratedRegex(@"\bcan't\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CantPattern();

    [GeneratedRegex(@"n't\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotContractionPattern();

    [GeneratedRegex(@"'(?:s|re|ve|ll|d|m)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OtherContractionPattern();

    [GeneratedRegex(@"(\w)\((\w{1,3})\)", RegexOptions.CultureInvariant)]
    private static partial Regex ParenthesisedSuffixPattern();

    [GeneratedRegex(@"(?<=\d),(?=\d{3}(?!\d))", RegexOptions.CultureInvariant)]
    private static partial Regex ThousandsSeparatorPattern();
}
