using System.Text;
using Gateway.Transforms.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Tests.Caching;

public sealed class CacheKeyBuilderTests
{
    [Fact]
    public void Compute_SameRequest_IsStableFullLengthLowerHexSha256()
    {
        // Arrange
        var parts = Parts();

        // Act
        var first = CacheKeyBuilder.Compute(parts);
        var second = CacheKeyBuilder.Compute(Parts());

        // Assert
        Assert.Equal(first, second);
        Assert.Equal(64, first.Length);
        Assert.Matches("^[0-9a-f]{64}$", first);
    }

    [Fact]
    public void Compute_KnownParts_MatchesTheDocumentedLayout()
    {
        // Arrange: the expected digest was computed independently (Python hashlib) over the layout
        // [version 2] route method host path query [content-type marker 1] content-type [len] body
        // [count] (name [count] value*)* [scope 0], every string and count length-prefixed as a big-endian int32,
        // method upper-cased and host lower-cased.
        var parts = new CacheKeyParts(
            "rag-query",
            "post",
            "Gateway.Example:8080",
            "/query",
            "?b=2&a=1",
            "application/json",
            Encoding.UTF8.GetBytes("{\"q\":1}"),
            [new("x-lang", "en")],
            Subject: null);

        // Act
        var key = CacheKeyBuilder.Compute(parts);

        // Assert
        Assert.Equal("a1ad98eceb44d4331312346f24fb74af01210fd69e6e8efe31a75a4f3edd7887", key);
    }

    [Theory]
    [InlineData("?q=evil&q=good", "?q=good&q=evil")]
    [InlineData("?q=good&Q=evil", "?q=evil&Q=good")]
    [InlineData("?q=good&Q=evil", "?Q=evil&q=good")]
    [InlineData("?a=1&b=2", "?b=2&a=1")]
    [InlineData("?q=a+b", "?q=a%20b")]
    [InlineData("?q=a%2Bb", "?q=a+b")]
    [InlineData("?%61=1", "?a=1")]
    [InlineData("?q", "?q=")]
    [InlineData("", "?")]
    public void Compute_QueriesAnUpstreamMayReadDifferently_DifferentKeys(string first, string second)
    {
        // Arrange: repeated values in another order, names differing in case, pairs in another order, other
        // encodings: an upstream may answer each differently (first wins, last wins, case-insensitive names...).
        var a = Parts() with { Query = first };
        var b = Parts() with { Query = second };

        // Act / Assert
        Assert.NotEqual(CacheKeyBuilder.Compute(a), CacheKeyBuilder.Compute(b));
    }

    [Fact]
    public void Compute_HostInAnotherCase_SameKey()
    {
        // Arrange: host names are case-insensitive.
        var lower = Parts() with { Host = "rag.example" };
        var upper = Parts() with { Host = "RAG.Example" };

        // Act / Assert
        Assert.Equal(CacheKeyBuilder.Compute(lower), CacheKeyBuilder.Compute(upper));
    }

    [Fact]
    public void Compute_NoContentTypeAgainstEmptyContentType_DifferentKey()
    {
        // Arrange
        var absent = Parts() with { ContentType = null };
        var empty = Parts() with { ContentType = "" };

        // Act / Assert
        Assert.NotEqual(CacheKeyBuilder.Compute(absent), CacheKeyBuilder.Compute(empty));
    }

    [Theory]
    [InlineData("route")]
    [InlineData("method")]
    [InlineData("host")]
    [InlineData("path")]
    [InlineData("query")]
    [InlineData("content-type")]
    [InlineData("body")]
    [InlineData("vary")]
    [InlineData("subject")]
    public void Compute_OnePartChanged_DifferentKey(string part)
    {
        // Arrange
        var baseline = Parts();
        var changed = part switch
        {
            "route" => baseline with { RouteId = "other-route" },
            "method" => baseline with { Method = "GET" },
            "host" => baseline with { Host = "evil.example" },
            "path" => baseline with { Path = "/query2" },
            "query" => baseline with { Query = "?top_k=4" },
            "content-type" => baseline with { ContentType = "text/plain" },
            "body" => baseline with { Body = Encoding.UTF8.GetBytes("{\"query\":\"what else\"}") },
            "vary" => baseline with { VaryHeaders = [new("accept-language", "fr")] },
            "subject" => baseline with { Subject = "bob" },
            _ => throw new ArgumentOutOfRangeException(nameof(part)),
        };

        // Act / Assert
        Assert.NotEqual(CacheKeyBuilder.Compute(baseline), CacheKeyBuilder.Compute(changed));
    }

    [Fact]
    public void Compute_BoundaryBetweenPartsMoved_DifferentKey()
    {
        // Arrange: "ab" + "c" against "a" + "bc" in adjacent parts.
        var left = Parts() with { RouteId = "ab", Method = "C" };
        var right = Parts() with { RouteId = "a", Method = "BC" };
        var leftQuery = Parts() with { Path = "/q?", Query = "a" };
        var rightQuery = Parts() with { Path = "/q", Query = "?a" };

        // Act / Assert
        Assert.NotEqual(CacheKeyBuilder.Compute(left), CacheKeyBuilder.Compute(right));
        Assert.NotEqual(CacheKeyBuilder.Compute(leftQuery), CacheKeyBuilder.Compute(rightQuery));
    }

    [Fact]
    public void Compute_EmptySubjectAgainstTenantScope_DifferentKey()
    {
        // Arrange
        var tenantScope = Parts() with { Subject = null };
        var userScope = Parts() with { Subject = "" };

        // Act / Assert
        Assert.NotEqual(CacheKeyBuilder.Compute(tenantScope), CacheKeyBuilder.Compute(userScope));
    }

    [Fact]
    public void Compute_MethodCase_Ignored()
    {
        // Arrange / Act / Assert
        Assert.Equal(CacheKeyBuilder.Compute(Parts() with { Method = "post" }), CacheKeyBuilder.Compute(Parts() with { Method = "POST" }));
    }

    [Fact]
    public void VaryValues_NamesInAnyCaseAndOrder_SameKey()
    {
        // Arrange
        var headers = new HeaderDictionary { ["Accept-Language"] = "de", ["X-Region"] = "eu" };
        var a = CacheKeyBuilder.VaryValues(["X-Region", "accept-language"], headers);
        var b = CacheKeyBuilder.VaryValues(["Accept-Language", "x-region", "X-REGION"], headers);

        // Act / Assert
        Assert.Equal(CacheKeyBuilder.Compute(Parts() with { VaryHeaders = a }), CacheKeyBuilder.Compute(Parts() with { VaryHeaders = b }));
        Assert.Equal(["accept-language", "x-region"], a.Select(p => p.Key));
    }

    [Fact]
    public void VaryValues_HeaderValueChanged_DifferentKey()
    {
        // Arrange
        var german = CacheKeyBuilder.VaryValues(["Accept-Language"], new HeaderDictionary { ["Accept-Language"] = "de" });
        var french = CacheKeyBuilder.VaryValues(["Accept-Language"], new HeaderDictionary { ["Accept-Language"] = "fr" });
        var absent = CacheKeyBuilder.VaryValues(["Accept-Language"], new HeaderDictionary());

        // Act
        var keys = new[] { german, french, absent }.Select(v => CacheKeyBuilder.Compute(Parts() with { VaryHeaders = v })).ToArray();

        // Assert
        Assert.Equal(3, keys.Distinct().Count());
    }

    private static CacheKeyParts Parts() => new(
        "rag-query",
        "POST",
        "rag.example",
        "/query",
        "?top_k=3",
        "application/json",
        Encoding.UTF8.GetBytes("{\"query\":\"what is isolation\"}"),
        [],
        null);
}
