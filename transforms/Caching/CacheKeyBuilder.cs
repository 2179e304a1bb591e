using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Transforms.Caching;

/// <summary>The request facts a cache key is made of.</summary>
/// <param name="RouteId">YARP route id.</param>
/// <param name="Method">HTTP method (compared upper-case).</param>
/// <param name="Path">Path base and path, as ASP.NET Core decoded them.</param>
/// <param name="Query">Decoded query pairs; their order does not matter.</param>
/// <param name="Body">The complete request body.</param>
/// <param name="VaryHeaders">Configured vary headers with the request's values, names lower-case.</param>
/// <param name="Subject">Token subject for <c>"CacheScope": "user"</c> routes; null for tenant scope.</param>
public sealed record CacheKeyParts(
    string RouteId,
    string Method,
    string Path,
    IEnumerable<KeyValuePair<string, StringValues>> Query,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, StringValues>> VaryHeaders,
    string? Subject);

/// <summary>
/// Builds the SHA-256 part of <c>cache:{tenant}:gen:sha256</c>. Every part is length-prefixed, so no
/// two different requests can produce the same byte stream ("ab"+"c" differs from "a"+"bc").
/// The tenant is not hashed: it is the key's namespace, checked again on read.
/// </summary>
public static class CacheKeyBuilder
{
    // Bumped whenever the layout below changes, so old entries simply stop matching.
    private const byte LayoutVersion = 1;

    /// <summary>Lower-case hex SHA-256 of the parts.</summary>
    public static string Compute(CacheKeyParts parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([LayoutVersion]);
        AppendString(hash, parts.RouteId);
        AppendString(hash, parts.Method.ToUpperInvariant());
        AppendString(hash, parts.Path);

        var query = CanonicalQuery(parts.Query);
        AppendLength(hash, query.Count);
        foreach (var (name, value) in query)
        {
            AppendString(hash, name);
            AppendString(hash, value);
        }

        AppendLength(hash, parts.Body.Length);
        hash.AppendData(parts.Body.Span);

        AppendLength(hash, parts.VaryHeaders.Count);
        foreach (var (name, values) in parts.VaryHeaders)
        {
            AppendString(hash, name.ToLowerInvariant());
            AppendLength(hash, values.Count);
            foreach (var value in values)
            {
                AppendString(hash, value ?? "");
            }
        }

        // A scope marker keeps a user-scoped key from ever equalling a tenant-scoped one.
        if (parts.Subject is null)
        {
            hash.AppendData([0]);
        }
        else
        {
            hash.AppendData([1]);
            AppendString(hash, parts.Subject);
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest);
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

    private static void AppendLength(IncrementalHash hash, int length)
    {
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, length);
        hash.AppendData(prefix);
    }

    private static void AppendString(IncrementalHash hash, string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        AppendLength(hash, byteCount);
        if (byteCount <= 256)
        {
            Span<byte> small = stackalloc byte[256];
            var written = Encoding.UTF8.GetBytes(value, small);
            hash.AppendData(small[..written]);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var written = Encoding.UTF8.GetBytes(value, rented);
            hash.AppendData(rented, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
