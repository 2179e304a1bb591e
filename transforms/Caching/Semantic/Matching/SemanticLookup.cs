namespace Gateway.Transforms.Caching.Semantic.Matching;

/// <summary>What one search of the index found, for the response and for metrics.</summary>
/// <param name="Match">The best candidate at or above the threshold that the detail guard allowed; null on a miss.</param>
/// <param name="Candidates">Stored queries at or above the threshold.</param>
/// <param name="GuardRefusals">Candidates the guard refused before the match (all of them on a miss).</param>
/// <param name="BestSimilarity">Similarity of the closest stored query of the context, 0 when there was none (it may be below the threshold).</param>
internal readonly record struct SemanticLookup(SemanticMatch? Match, int Candidates, int GuardRefusals, float BestSimilarity);
