using System.Text;
using Gateway.Transforms.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
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
        // [version 1] route method path [count] (name value)* [len] body [count] (name [count] value*)* [scope 0],
        // every string and count length-prefixed as a big-endian int32.
        var parts = new CacheKeyParts(
            "rag-query",
            "post",
            "/query",
            [new("b", "2"), new("a", "1")],
            Encoding.UTF8.GetBytes("{\"q\":1}"),
            [new("x-lang", "en")],
            Subject: null);

        // Act
        var key = CacheKeyBuilder.Compute(parts);

        // Assert
        Assert.Equal("c0a4d60cf9e7bf8dbf049a27761c8f233bdfcc09e768ee88c3314842515e1954", key);
    }

    [Fact]
    public void Compute_QueryInAnotherOrder_SameKey()
    {
        // Arrange
        var ordered = Parts(query: "?a=1&b=2&b=1&c=");
        var shuffled = Parts(query: "?c=&b=1&a=1&b=2");

        // Act / Assert
        Assert.Equal(CacheKeyBuilder.Compute(ordered), CacheKeyBuilder.Compute(shuffled));
    }

    [Fact]
    public void Compute_PercentEncodedQuery_SameKeyAsDecoded()
    {
        // Arrange
        var encoded = Parts(query: "?q=hello%20world&%61=1");
        var plain = Parts(query: "?a=1&q=hello+world");

        // Act / Assert
        Assert.Equal(CacheKeyBuilder.Compute(encoded), CacheKeyBuilder.Compute(plain));
    }

    [Theory]
    [InlineData("route")]
    [InlineData("method")]
    [InlineData("path")]
    [InlineData("query")]
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
            "path" => baseline with { Path = "/query2" },
            "query" => Parts(query: "?top_k=4"),
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
        var leftQuery = Parts(query: "?ab=c");
        var rightQuery = Parts(query: "?a=bc");

        // Act / Assert
        Assert.NotEqual(CacheKeyBuilder.Compute(left), CacheKeyBuilder.Compute(right));
        Assert.NotEqual(CacheKeyBuilder.Compute(leftQuery), CacheKeyBuilder.Compute(rightQuery));
    }

    [Fact]
    public void Compute_SeparatorInsideValue_DoesNotCollideWithTwoPairs()
    {
        // Arrange: one value containing what a naive join would use as separators.
        var one = Parts() with { Query = [new("a", "1&b=2")] };
        var two = Parts() with { Query = [new("a", "1"), new("b", "2")] };

        // Act / Assert
        Assert.NotEqual(CacheKeyBuilder.Compute(one), CacheKeyBuilder.Compute(two));
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

    private static CacheKeyParts Parts(string query = "?top_k=3") => new(
        "rag-query",
        "POST",
        "/query",
        QueryHelpers.ParseQuery(query),
        Encoding.UTF8.GetBytes("{\"query\":\"what is isolation\"}"),
        [],
        null);
}
