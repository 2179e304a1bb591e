using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Runtime.CompilerServices;
using Gateway.Config.Options;
using Gateway.Transforms.Infrastructure.Context;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Model;

namespace Gateway.Transforms.Caching;

/// <summary>
/// Builds the SHA-256 part of <c>cache:{tenant}:gen:sha256</c>. Every part is length-prefixed, so no
/// two different requests can produce the same byte stream ("ab"+"c" differs from "a"+"bc").
/// The tenant is not hashed: it is the key's namespace, checked again on read.
/// </summary>
internal static class CacheKeyBuilder
{
    // Bumped whenever the layout below changes, so old entries simply stop matching.
    // 2: host, raw query, content type added; the query is no longer sorted or decoded.
    private const byte LayoutVersion = 2;

    private static readonly ConditionalWeakTable<CacheOptions, string[]> VaryNamesOf = new();

    /// <summary>The key of a request on a caching route: route, method, host, path, raw query, content type, <paramref name="body"/>, vary headers, and the subject on per-user routes.</summary>
    public static string ForRequest(HttpContext context, GatewayRequest request, CacheRouteSettings route, ReadOnlyMemory<byte> body) =>
        Compute(PartsFor(context, request, route, body));

    /// <summary>The parts <see cref="ForRequest"/> hashes (the semantic cache hashes them again without the query text).</summary>
    public static CacheKeyParts PartsFor(HttpContext context, GatewayRequest request, CacheRouteSettings route, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(route);
        var http = context.Request;
        var varyNames = VaryNames(request.Settings.Options.Cache);
        return new CacheKeyParts(
            request.RouteId ?? context.GetReverseProxyFeature().Route.Config.RouteId,
            http.Method,
            http.Host.Value ?? "",
            http.PathBase.HasValue ? string.Concat(http.PathBase.Value, http.Path.Value) : http.Path.Value ?? "",
            http.QueryString.Value ?? "",
            http.ContentType,
            body,
            VaryValues(varyNames, http.Headers),
            route.PerUser ? request.Subject : null);
    }

    /// <summary>The configured vary header names, normalized once per options instance.</summary>
    public static string[] VaryNames(CacheOptions options) => VaryNamesOf.GetValue(options, static o => NormalizeNames(o.VaryHeaders));

    /// <summary>Lower-case hex SHA-256 of the parts.</summary>
    /// <remarks>
    /// Layout: [version] route method host path query [content-type marker (0, or 1 and the value)] [length] body
    /// [count] (name [count] value*)* [scope marker (0, or 1 and the subject)]; every string and count is length-prefixed.
    /// </remarks>
    public static string Compute(in CacheKeyParts parts)
    {
        // The parts are laid out in one pooled buffer and hashed in a single call: creating an incremental
        // hash object per request cost more than the hashing itself on the hot path.
        var writer = new KeyWriter(256 + parts.Query.Length + parts.Body.Length);
        try
        {
            writer.WriteByte(LayoutVersion);
            writer.WriteString(parts.RouteId);
            writer.WriteString(parts.Method.ToUpperInvariant());
            writer.WriteString(parts.Host.ToLowerInvariant());
            writer.WriteString(parts.Path);

            // The query as sent: the upstream's parser decides what "?q=a&Q=b" or "?q=a&q=b" means (first wins, last
            // wins, case-insensitive names...), so any reordering or folding here could give two requests the upstream
            // answers differently one key.
            writer.WriteString(parts.Query);
            writer.WriteOptional(parts.ContentType);

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
            writer.WriteOptional(parts.Subject);

            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(writer.Written, digest);
            return RecentKeys.HexOf(digest);
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

        /// <summary>0 for null, otherwise 1 and the string: null and "" never write the same bytes.</summary>
        public void WriteOptional(string? value)
        {
            if (value is null)
            {
                WriteByte(0);
                return;
            }

            WriteByte(1);
            WriteString(value);
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
