using System.Buffers;
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

    /// <summary>Encodes <paramref name="entry"/>.</summary>
    public static byte[] Serialize(CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var writer = new ArrayBufferWriter<byte>(64 + entry.Body.Length + (entry.Headers.Count * 48));
        Write(writer, [Magic, Version]);
        WriteString(writer, entry.TenantId);
        WriteUInt16(writer, checked((ushort)entry.StatusCode));
        Span<byte> time = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(time, entry.StoredAt.ToUnixTimeMilliseconds());
        Write(writer, time);
        BinaryPrimitives.WriteInt64BigEndian(time, (entry.ExpiresAt ?? DateTimeOffset.MaxValue).ToUnixTimeMilliseconds());
        Write(writer, time);
        WriteUInt16(writer, checked((ushort)entry.Headers.Count));
        foreach (var (name, value) in entry.Headers)
        {
            WriteString(writer, name);
            WriteString(writer, value);
        }

        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, checked((uint)entry.Body.Length));
        Write(writer, length);
        Write(writer, entry.Body.Span);
        return writer.WrittenSpan.ToArray();
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

    private static void WriteString(ArrayBufferWriter<byte> writer, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteUInt16(writer, checked((ushort)count));
        var span = writer.GetSpan(count);
        Encoding.UTF8.GetBytes(value, span);
        writer.Advance(count);
    }

    private static void WriteUInt16(ArrayBufferWriter<byte> writer, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        Write(writer, bytes);
    }

    private static void Write(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
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
