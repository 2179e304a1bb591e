using Gateway.Transforms.Caching.Semantic.Guard;
using Gateway.Transforms.Caching.Semantic.Index;

namespace Gateway.Transforms.Caching.Semantic.Matching;

/// <summary>
/// Threshold, then guard: the index nominates the tenant's closest stored queries with the same context and
/// generation, and the first one at or above the threshold that the detail guard allows answers.
/// </summary>
/// <remarks>
/// Several candidates are checked, not just the nearest: with "refund policy EU" and "refund policy US" both stored,
/// a question about the US may sit nearer the EU entry, which the guard refuses, and the US entry is the right answer
/// one place down.
/// </remarks>
internal static class SemanticMatcher
{
    /// <summary>Candidates checked per lookup.</summary>
    public const int MaxCandidates = 4;

    /// <summary>Searches <paramref name="index"/> for the stored query that may answer <paramref name="query"/>.</summary>
    public static SemanticLookup Find(TenantVectorIndex index, string tenant, ulong contextHash, long generation, ReadOnlySpan<float> query, QueryDetails queryDetails, float threshold, GuardStrictness strictness = GuardStrictness.Balanced)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(queryDetails);
        Span<SemanticCandidate> candidates = new SemanticCandidate[MaxCandidates];

        // Nearest first, whatever their similarity, so the histogram also shows the near misses below the threshold.
        var found = index.Search(tenant, contextHash, generation, query, float.MinValue, candidates);
        var best = found > 0 ? candidates[0].Similarity : 0f;
        var eligible = 0;
        while (eligible < found && candidates[eligible].Similarity >= threshold)
        {
            eligible++;
        }

        for (var i = 0; i < eligible; i++)
        {
            if (DetailGuard.Check(queryDetails, candidates[i].Details, strictness) == GuardVerdict.Allowed)
            {
                return new SemanticLookup(new SemanticMatch(candidates[i].EntryKey, candidates[i].Similarity), eligible, i, best);
            }
        }

        return new SemanticLookup(null, eligible, eligible, best);
    }
}
