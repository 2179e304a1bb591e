using System.Globalization;

namespace Gateway.Transforms.Caching.Semantic.Matching;

/// <summary>The context hash: everything in the exact key except the query text, as a 64-bit index key.</summary>
internal static class SemanticContext
{
    /// <summary>
    /// Takes the first 64 bits of the hex SHA-256 that the gateway's key builder computes over the
    /// request with the query text replaced (see <see cref="SemanticRequestText.TryExtract"/>). 64 bits
    /// suffice: the hash only selects among one tenant's contexts on one node, and the entry found is
    /// re-read by its full exact key.
    /// </summary>
    public static ulong FromKeyHash(string hexSha256)
    {
        ArgumentException.ThrowIfNullOrEmpty(hexSha256);
        if (hexSha256.Length < 16)
        {
            throw new ArgumentException("Expected a hex SHA-256.", nameof(hexSha256));
        }

        return ulong.Parse(hexSha256.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }
}
