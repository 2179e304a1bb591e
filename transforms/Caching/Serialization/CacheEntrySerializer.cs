using System.Buffers.Binary;
using System.Text;

namespace Gateway.Transforms.Caching.Serialization;

/// <summary>
/// Compact binary envelope of a <see cref="CacheEntry"/>:
/// <c>magic 'G' | version 2 | tenant | status u16 | stored-at ms i64 | expires-at ms i64 | header count u16 | (name, value)* | body</c>,
/// strings as u16 length + UTF-8, the body as u32 length + bytes. Big-endian throughout. Version 1 (no expires-at) is
/// still read; a node of the release before reads version 2 as corrupt, that is as a miss, while both run side by side.
/// </summary>
internal static class CacheEntrySerializer
{
    private const byte Magic = (byte)'G';
    private const byte Version = 2;
    private const byte VersionWithoutExpiry = 1;

    /// <summary>Encodes <paramref name="entry"/> into one array of exactly its size.</summary>
    public static byte[] Serialize(CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var headers = entry.Headers;
        var size = 2 + StringSize(entry.TenantId) + 2 + 8 + 8 + 2 + 4 + entry.Body.Length;
        for (var i = 0; i < headers.Count; i++)
        {
            size += StringSize(headers[i].Key) + StringSize(headers[i].Value);
        }

        var value = new byte[size];
        var span = value.AsSpan();
        span[0] = Magic;
        span[1] = Version;
        var offset = 2;
        WriteString(span, ref offset, entry.TenantId);
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], checked((ushort)entry.StatusCode));
        BinaryPrimitives.WriteInt64BigEndian(span[(offset + 2)..], entry.StoredAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(span[(offset + 10)..], (entry.ExpiresAt ?? DateTimeOffset.MaxValue).ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 18)..], checked((ushort)headers.Count));
        offset += 20;
        for (var i = 0; i < headers.Count; i++)
        {
            WriteString(span, ref offset, headers[i].Key);
            WriteString(span, ref offset, headers[i].Value);
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[offset..], checked((uint)entry.Body.Length));
        entry.Body.Span.CopyTo(span[(offset + 4)..]);
        return value;
    }

    /// <summary>Decodes <paramref name="value"/> for <paramref name="readerTenant"/>; the entry is returned only when it is theirs.</summary>
    public static CacheEntryReadStatus TryRead(ReadOnlyMemory<byte> value, string readerTenant, out CacheEntry? entry)
    {
        entry = null;
        var span = value.Span;
        var offset = 0;
        try
        {
            if (span.Length < 2 || span[0] != Magic || span[1] is not (Version or VersionWithoutExpiry))
            {
                return CacheEntryReadStatus.Corrupt;
            }

            var version = span[1];
            offset = 2;
            var tenant = ReadString(span, ref offset);
            if (!string.Equals(tenant, readerTenant, StringComparison.Ordinal))
            {
                return CacheEntryReadStatus.TenantMismatch;
            }

            var status = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
            offset += 2;
            var storedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(span[offset..]));
            offset += 8;
            DateTimeOffset? expiresAt = null;
            if (version == Version)
            {
                expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(span[offset..]));
                offset += 8;
            }

            var count = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
            offset += 2;
            var headers = new KeyValuePair<string, string>[count];
            for (var i = 0; i < count; i++)
            {
                var name = ReadString(span, ref offset);
                headers[i] = new(name, ReadString(span, ref offset));
            }

            var bodyLength = (int)BinaryPrimitives.ReadUInt32BigEndian(span[offset..]);
            offset += 4;
            if (bodyLength < 0 || offset + bodyLength != span.Length)
            {
                return CacheEntryReadStatus.Corrupt;
            }

            entry = new CacheEntry(tenant, status, storedAt, headers, value.Slice(offset, bodyLength), expiresAt);
            return CacheEntryReadStatus.Ok;
        }
        catch (ArgumentOutOfRangeException)
        {
            return CacheEntryReadStatus.Corrupt;
        }
    }

    private static int StringSize(string value) => 2 + checked((ushort)Encoding.UTF8.GetByteCount(value));

    private static void WriteString(Span<byte> span, ref int offset, string value)
    {
        var count = Encoding.UTF8.GetBytes(value, span[(offset + 2)..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)count);
        offset += 2 + count;
    }

    private static string ReadString(ReadOnlySpan<byte> span, ref int offset)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
        offset += 2;
        var text = Encoding.UTF8.GetString(span.Slice(offset, length));
        offset += length;
        return text;
    }
}
