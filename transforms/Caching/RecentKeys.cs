using System.Buffers.Binary;

namespace Gateway.Transforms.Caching;

/// <summary>
/// The hex strings of recently computed key digests, so a key asked for again (every hit) reuses its string instead of
/// formatting a new one. A fixed table indexed by digest bits: a slot holds the last digest that fell into it, and is
/// replaced (not searched) on a collision, so it costs one comparison and never grows.
/// </summary>
internal static class RecentKeys
{
    private const int Slots = 4096;
    private static readonly Entry?[] Table = new Entry?[Slots];

    /// <summary>The lower-case hex of <paramref name="digest"/> (32 bytes), reused when recently computed.</summary>
    public static string HexOf(ReadOnlySpan<byte> digest)
    {
        var key = new Digest(
            BinaryPrimitives.ReadUInt64LittleEndian(digest),
            BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));
        var slot = (int)(key.A & (Slots - 1));
        if (Volatile.Read(ref Table[slot]) is { } entry && entry.Digest == key)
        {
            return entry.Hex;
        }

        var hex = Convert.ToHexStringLower(digest);
        Volatile.Write(ref Table[slot], new Entry(key, hex));
        return hex;
    }

    private readonly record struct Digest(ulong A, ulong B, ulong C, ulong D);

    private sealed record Entry(Digest Digest, string Hex);
}
