using System.Globalization;

namespace Gateway.Transforms.Caching.Semantic.Matching;

/// <summary>The stored query that answers a lookup.</summary>
/// <param name="EntryKey">Exact cache key of the stored response; the stage reads it through the tenant's store.</param>
/// <param name="Similarity">Cosine similarity, for <c>X-Cache-Match</c> and the histogram.</param>
internal sealed record SemanticMatch(string EntryKey, float Similarity)
{
    /// <summary>The <c>X-Cache-Match</c> header value, e.g. <c>semantic; similarity=0.97</c> (invariant culture, two decimals).</summary>
    public string HeaderValue => string.Create(CultureInfo.InvariantCulture, $"semantic; similarity={Similarity:0.00}");
}
