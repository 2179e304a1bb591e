using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Transforms.Caching;

/// <summary>
/// Builds the SHA-256 part of <c>cache:{tenant}:gen:sha256</c>. Every part is length-prefixed, so no
/// two different requests can produce the same byte stream ("ab"+"c" differs from "a"+"bc").
/// The tenant is not hashed: it is the key's namespace, checked again on read.
/// </summary>
internal static class CacheKeyBuilder
{
    // Bumped whenever the layout below changes, so old entries simply stop matching.
    private const byte LayoutVersion = 1;

    /// <summary>Lower-case hex SHA-256 of the parts.</summary>
    public static string Compute(CacheKeyParts parts)
    {
        ArgumentNullException.ThrowIfNull(parts);

        // The parts are laid out in one pooled buffer and hashed in a single call: creating an incremental
        // hash object per request cost more than the hashing itself on the hot path.
        var writer = new KeyWriter(256 + parts.Body.Length);
        try
        {
            writer.WriteByte(LayoutVersion);
            writer.WriteString(parts.RouteId);
            writer.WriteString(parts.Method.ToUpperInvariant());
            writer.WriteString(parts.Path);

            var query = CanonicalQuery(parts.Query);
            writer.WriteLength(query.Count);
            foreach (var (name, value) in query)
            {
                writer.WriteString(name);
                writer.WriteString(value);
            }

            writer.WriteLength(parts.Body.Length);
            writer.WriteBytes(parts.Body.Span);

            writer.WriteLength(parts.VaryHeaders.Count);
            foreach (var (name, values) in parts.VaryHeaders)
            {
                writer.WriteString(name.ToLowerInvariant());
                writer.WriteLength(values.Count);
                foreach (var value in values)
                {
                    writer.WriteString(value ?? "");
                }
            }

            // A scope marker keeps a user-scoped key from ever equalling a tenant-scoped one.
            if (parts.Subject is null)
            {
                writer.WriteByte(0);
            }
            else
            {
                writer.WriteByte(1);
                writer.WriteString(parts.Subject);
            }

            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(writer.Written, digest);
            return Convert.ToHexStringLower(digest);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>The configured vary headers (lower-case, distinct, sorted) with the request's values.</summary>
    public static IReadOnlyList<KeyValuePair<string, StringValues>> VaryValues(IReadOnlyList<string> names, IHeaderDictionary requestHeaders)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(requestHeaders);
        if (names.Count == 0)
        {
            return [];
        }

        return NormalizeNames(names)
            .Select(name => new KeyValuePair<string, StringValues>(name, requestHeaders[name]))
            .ToArray();
    }

    /// <summary>Vary header names lower-cased, de-duplicated and sorted.</summary>
    public static string[] NormalizeNames(IEnumerable<string> names) =>
        names.Where(n => !string.IsNullOrWhiteSpace(n))
            .Select(n => n.Trim().ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Query pairs flattened and sorted by name, then value (ordinal).</summary>
    public static List<KeyValuePair<string, string>> CanonicalQuery(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in query)
        {
            if (values.Count == 0)
            {
                pairs.Add(new(name, ""));
                continue;
            }

            foreach (var value in values)
            {
                pairs.Add(new(name, value ?? ""));
            }
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Key, b.Key);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return pairs;
    }

    /// <summary>Growable writer over a pooled array; every string and count is length-prefixed (big-endian int32).</summary>
    private struct KeyWriter : IDisposable
    {
        private byte[] _buffer;
        private int _position;

        public KeyWriter(int initialCapacity)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
            _position = 0;
        }

        public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _position);

        public void WriteByte(byte value)
        {
            Ensure(1);
            _buffer[_position++] = value;
        }

        public void WriteLength(int length)
        {
            Ensure(4);
            BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_position), length);
            _position += 4;
        }

        public void WriteString(string value)
        {
            var byteCount = Encoding.UTF8.GetByteCount(value);
            WriteLength(byteCount);
            Ensure(byteCount);
            _position += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_position));
        }

        public void WriteBytes(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(_position));
            _position += bytes.Length;
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        private void Ensure(int count)
        {
            if (_position + count <= _buffer.Length)
            {
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + count));
            _buffer.AsSpan(0, _position).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }
}
