using System.Buffers.Binary;
using System.Text;
using Gateway.Transforms.Caching.Semantic.Embeddings;

namespace Gateway.Transforms.Caching.Semantic;

/// <summary>
/// The vector record stored beside a cached entry: what another node needs to index it. Layout: version (1 byte),
/// context hash (8, little-endian), dimensions (2), the unit vector as float16 (2 per dimension), the query text in
/// UTF-8 (the rest). 384 dimensions take 779 bytes plus the text.
/// </summary>
/// <remarks>
/// float16 halves the bytes charged to the tenant's quota and read by other nodes; it moves a cosine similarity by
/// less than 0.001, far below the gaps the threshold works with. Every node, the writer included, indexes the vector
/// decoded from the record, so all of them compute the same similarity. The text is kept rather than the guard's
/// details so that each node extracts them with its own code.
/// </remarks>
internal static class SemanticRecord
{
    private const byte Version = 1;
    private const int HeaderBytes = 11;

    /// <summary>Encodes a record.</summary>
    public static byte[] Write(ulong contextHash, ReadOnlySpan<float> vector, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (vector.Length is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(vector), "A vector has 1 to 65535 dimensions.");
        }

        var record = new byte[HeaderBytes + (2 * vector.Length) + Encoding.UTF8.GetByteCount(text)];
        record[0] = Version;
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(1), contextHash);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(9), (ushort)vector.Length);
        var offset = HeaderBytes;
        foreach (var value in vector)
        {
            BinaryPrimitives.WriteHalfLittleEndian(record.AsSpan(offset), (Half)value);
            offset += 2;
        }

        Encoding.UTF8.GetBytes(text, record.AsSpan(offset));
        return record;
    }

    /// <summary>Decodes a record of <paramref name="dimensions"/>; false for anything else (another version, length or a vector that is not finite).</summary>
    public static bool TryRead(ReadOnlySpan<byte> record, int dimensions, out ulong contextHash, out float[] vector, out string text)
    {
        contextHash = 0;
        vector = [];
        text = "";
        if (record.Length < HeaderBytes + (2 * dimensions) || record[0] != Version || BinaryPrimitives.ReadUInt16LittleEndian(record[9..]) != dimensions)
        {
            return false;
        }

        var decoded = new float[dimensions];
        var offset = HeaderBytes;
        for (var i = 0; i < dimensions; i++, offset += 2)
        {
            decoded[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(record[offset..]);
        }

        if (!VectorMath.TryNormalize(decoded))
        {
            return false;
        }

        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(record[offset..]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        contextHash = BinaryPrimitives.ReadUInt64LittleEndian(record[1..]);
        vector = decoded;
        return true;
    }
}
