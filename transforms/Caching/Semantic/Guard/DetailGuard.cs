namespace Gateway.Transforms.Caching.Semantic.Guard;

/// <summary>
/// Decides whether a stored query may answer a new one once their embeddings are close.
/// </summary>
/// <remarks>
/// <para>
/// Why it exists: MiniLM scores "refund policy in the EU" against "… in the US" at 0.84 and "Q3 revenue"
/// against "Q4 revenue" at 1.0 (its tokenizer turns short unknown words into [UNK]), while true
/// paraphrases go as low as 0.7. No threshold separates them, so similarity only nominates
/// candidates and this guard decides, on three rules, each symmetric:
/// </para>
/// <list type="number">
/// <item><b>Details must agree.</b> Every detail of one side (<see cref="QueryDetails.Details"/>:
/// numbers, dates, periods, names, codes, negation) must occur among the other side's words, or be
/// spelled out there as an acronym ("SSO" and "single sign-on"). Comparing against words rather than
/// details makes case irrelevant: "Windows" matches "windows".</item>
/// <item><b>No contrast conflict.</b> If both sides use a member of the same closed contrast set and
/// share none, they ask opposite things.</item>
/// <item><b>No substitution.</b> After stop words, stemming, joined compounds ("roll back" =
/// "rollback"), abbreviations by prefix ("prod", "docs") and one-letter typos are accounted for, if
/// each side still has a content word the other lacks, one thing was swapped for another: "sick days"
/// vs "vacation days". Extra words on one side only are allowed ("… policy please"). This rule also
/// refuses true synonyms ("submit" vs "file"); that is the price, paid in recall, of never serving
/// "backups" for "logs". A refused paraphrase is only a miss, and its own answer is cached after it.</item>
/// <item><b>No added qualifier</b> (<see cref="GuardStrictness.Balanced"/>, the default). A word on one side only
/// that stands before a word both sides have qualifies it: "open <i>late</i> on Saturdays", "<i>late</i> enrollment
/// deadline", "<i>emergency</i> dental care". Rule 3 lets such a word through, since it only looks for swaps, and the
/// second held-out set showed it serving 18 of 30 such questions. <see cref="GuardStrictness.Strict"/> refuses any
/// word on one side only; <see cref="GuardStrictness.Lenient"/> leaves the rule out. docs/semantic-cache-evaluation.md
/// has what each costs in recall.</item>
/// </list>
/// <para>Deterministic, allocation-light, and a few microseconds per pair.</para>
/// </remarks>
internal static class DetailGuard
{
    /// <summary>Whether <paramref name="stored"/> may answer <paramref name="query"/>, or the first rule that refuses it.</summary>
    public static GuardVerdict Check(QueryDetails query, QueryDetails stored, GuardStrictness strictness = GuardStrictness.Balanced)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(stored);

        if (!DetailsPresent(query, stored) || !DetailsPresent(stored, query))
        {
            return GuardVerdict.DetailMismatch;
        }

        if (HasContrastConflict(query.Contrasts, stored.Contrasts))
        {
            return GuardVerdict.ContrastConflict;
        }

        var queryHasMore = HasUnmatchedWord(query, stored);
        var storedHasMore = HasUnmatchedWord(stored, query);
        if (queryHasMore && storedHasMore)
        {
            return GuardVerdict.Substitution;
        }

        var qualified = strictness switch
        {
            GuardStrictness.Strict => queryHasMore || storedHasMore,
            GuardStrictness.Balanced => (queryHasMore && HasQualifier(query, stored)) || (storedHasMore && HasQualifier(stored, query)),
            _ => false,
        };
        return qualified ? GuardVerdict.AddedQualifier : GuardVerdict.Allowed;
    }

    private static bool DetailsPresent(QueryDetails from, QueryDetails other)
    {
        foreach (var detail in from.Details)
        {
            if (!Contains(other.Words, detail) && !ExpandsAcronym(detail, other.Sequence, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasContrastConflict(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return false;
        }

        foreach (var left in a)
        {
            var group = Group(left);
            var sharesGroup = false;
            var sharesValue = false;
            foreach (var right in b)
            {
                if (group.SequenceEqual(Group(right)))
                {
                    sharesGroup = true;
                    sharesValue |= Contains(a, right);
                }
            }

            if (sharesGroup && !sharesValue)
            {
                return true;
            }
        }

        return false;

        static ReadOnlySpan<char> Group(string contrast) => contrast.AsSpan(0, contrast.IndexOf(':', StringComparison.Ordinal));
    }

    /// <summary>
    /// True when a content word of <paramref name="from"/> that <paramref name="other"/> does not account for comes
    /// right before (stop words aside) one it does: the word qualifies something both ask about. Adverbs in -ly
    /// ("quickly", "usually") are left out: they change how, rarely what.
    /// </summary>
    private static bool HasQualifier(QueryDetails from, QueryDetails other)
    {
        var sequence = from.Sequence;
        for (var i = 0; i < sequence.Length - 1; i++)
        {
            var word = sequence[i];
            if (Lexicon.StopWords.Contains(word) || word.EndsWith("ly", StringComparison.Ordinal))
            {
                continue;
            }

            var stem = Stemmer.Stem(word);
            if (!Contains(from.Words, stem) || IsAccountedFor(stem, from, other))
            {
                continue;
            }

            for (var j = i + 1; j < sequence.Length; j++)
            {
                if (!Lexicon.StopWords.Contains(sequence[j]))
                {
                    if (IsAccountedFor(Stemmer.Stem(sequence[j]), from, other))
                    {
                        return true;
                    }

                    break;
                }
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="from"/> has a content word that nothing in <paramref name="other"/> accounts for.</summary>
    private static bool HasUnmatchedWord(QueryDetails from, QueryDetails other)
    {
        foreach (var word in from.Words)
        {
            if (!IsAccountedFor(word, from, other))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAccountedFor(string word, QueryDetails from, QueryDetails other)
    {
        if (Contains(other.Words, word) || Contains(other.Joins, word))
        {
            return true;
        }

        // "roll" and "back" are accounted for when the other side wrote "rollback".
        foreach (var join in from.Joins)
        {
            if (Contains(other.Words, join) && (join.StartsWith(word, StringComparison.Ordinal) || join.EndsWith(word, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        // "sso" against "single sign on", and the words of the expansion against "sso".
        if (ExpandsAcronym(word, other.Sequence, out _))
        {
            return true;
        }

        foreach (var candidate in other.Words)
        {
            if (ExpandsAcronym(candidate, from.Sequence, out var expansion) && expansion.Contains(word, StringComparer.Ordinal))
            {
                return true;
            }

            if (IsPrefixAbbreviation(word, candidate) || IsPrefixAbbreviation(candidate, word) || IsOneEditTypo(word, candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when consecutive words of <paramref name="sequence"/> start with the letters of <paramref name="acronym"/>.</summary>
    private static bool ExpandsAcronym(string acronym, string[] sequence, out string[] expansion)
    {
        expansion = [];
        if (acronym.Length is < 3 or > 6 || !acronym.All(char.IsAsciiLetterLower))
        {
            return false;
        }

        for (var start = 0; start + acronym.Length <= sequence.Length; start++)
        {
            var matches = true;
            for (var k = 0; k < acronym.Length && matches; k++)
            {
                var word = sequence[start + k];
                matches = word.Length > 1 && word[0] == acronym[k];
            }

            if (matches)
            {
                expansion = [.. sequence.Skip(start).Take(acronym.Length).Select(Stemmer.Stem)];
                return true;
            }
        }

        return false;
    }

    // "prod" for "production", "docs" for "documentation", "creat" for "create". Three letters at least,
    // and never for details: "Pro" must not stand for "production".
    private static bool IsPrefixAbbreviation(string shorter, string longer) =>
        shorter.Length >= 3 && longer.Length > shorter.Length && longer.StartsWith(shorter, StringComparison.Ordinal)
        && shorter.All(char.IsAsciiLetterLower);

    // One insertion, deletion or substitution in a word of five letters or more, keeping the first two
    // letters: "signiture" is "signature", but "maternity" is not "paternity".
    private static bool IsOneEditTypo(string a, string b)
    {
        if (a.Length < 5 || b.Length < 5 || Math.Abs(a.Length - b.Length) > 1 || a[0] != b[0] || a[1] != b[1] || a == b)
        {
            return false;
        }

        int i = 0, j = 0, edits = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                i++;
                j++;
                continue;
            }

            if (++edits > 1)
            {
                return false;
            }

            if (a.Length > b.Length)
            {
                i++;
            }
            else if (b.Length > a.Length)
            {
                j++;
            }
            else
            {
                i++;
                j++;
            }
        }

        return edits + (a.Length - i) + (b.Length - j) <= 1;
    }

    private static bool Contains(string[] sorted, string value) => Array.BinarySearch(sorted, value, StringComparer.Ordinal) >= 0;
}
