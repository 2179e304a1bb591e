using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace RagBackendSim;

/// <summary>Builds answers and document lists that are a pure function of tenant and query.</summary>
/// <remarks>
/// Determinism lets a test predict the backend's answer, and mixing the tenant in lets it prove that a
/// cached answer reached only the tenant it was generated for.
/// </remarks>
internal static class AnswerGenerator
{
    public const int DefaultTopK = 3;
    public const int MaxTopK = 20;

    private const int AnswerWords = 8;

    private static readonly ImmutableArray<string> Vocabulary =
    [
        "retrieval", "embedding", "vector", "index", "shard", "chunk", "context", "passage",
        "ranking", "recall", "precision", "latency", "tenant", "corpus", "summary", "citation",
        "grounded", "semantic", "hybrid", "rerank", "window", "prompt", "answer", "source",
        "policy", "quota", "cluster", "replica", "segment", "token", "model", "evidence",
    ];

    /// <summary>SHA-256 over the length-prefixed tenant and query, so ("ab", "c") and ("a", "bc") differ.</summary>
    public static byte[] Digest(string tenantId, string query)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendLengthPrefixed(hash, tenantId);
        AppendLengthPrefixed(hash, query);
        return hash.GetHashAndReset();
    }

    public static string Answer(string tenantId, byte[] digest)
    {
        var builder = new StringBuilder(128);
        builder.Append('[').Append(Convert.ToHexStringLower(digest, 0, 8)).Append("] For tenant ").Append(tenantId).Append(':');
        for (var i = 0; i < AnswerWords; i++)
        {
            builder.Append(' ').Append(Vocabulary[digest[8 + i] % Vocabulary.Length]);
        }

        return builder.Append('.').ToString();
    }

    public static RagDocument[] Documents(byte[] digest, int topK)
    {
        var documents = new RagDocument[topK];
        Span<byte> input = stackalloc byte[digest.Length + sizeof(int)];
        Span<byte> docDigest = stackalloc byte[SHA256.HashSizeInBytes];
        digest.CopyTo(input);
        for (var i = 0; i < topK; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(input[digest.Length..], i);
            SHA256.HashData(input, docDigest);

            // Steps of 0.04 with at most 0.03 of jitter keep the scores strictly descending and above zero up to MaxTopK.
            var score = Math.Round(0.98 - (0.04 * i) - (docDigest[6] / 255.0 * 0.03), 3);
            documents[i] = new RagDocument("doc-" + Convert.ToHexStringLower(docDigest[..6]), score);
        }

        return documents;
    }

    /// <summary>Cuts the answer into <paramref name="count"/> consecutive pieces at word boundaries.</summary>
    /// <remarks>Pieces concatenate back to the answer exactly; with more pieces than words some are empty.</remarks>
    public static string[] SplitIntoTokens(string answer, int count)
    {
        // Boundaries sit after each space, so every word keeps its trailing space.
        var boundaries = new List<int>(answer.Length / 4) { 0 };
        for (var i = 0; i < answer.Length - 1; i++)
        {
            if (answer[i] == ' ')
            {
                boundaries.Add(i + 1);
            }
        }

        boundaries.Add(answer.Length);
        var words = boundaries.Count - 1;
        var tokens = new string[count];
        for (var i = 0; i < count; i++)
        {
            var start = boundaries[(int)((long)i * words / count)];
            var end = boundaries[(int)((long)(i + 1) * words / count)];
            tokens[i] = answer[start..end];
        }

        return tokens;
    }

    private static void AppendLengthPrefixed(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
