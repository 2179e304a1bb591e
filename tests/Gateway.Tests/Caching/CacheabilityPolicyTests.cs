using Gateway.Transforms.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Tests.Caching;

public sealed class CacheabilityPolicyTests
{
    private const long Cap = 1024;
    private static readonly string[] NoVary = [];

    [Fact]
    public void EvaluateResponse_Plain200Json_Cacheable()
    {
        // Arrange
        var headers = Headers(("Content-Type", "application/json"));

        // Act
        var decision = Evaluate(200, headers, allowEventStream: false, NoVary);

        // Assert
        Assert.True(decision.Cacheable);
        Assert.Null(decision.UpstreamMaxAge);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(203)]
    [InlineData(204)]
    [InlineData(206)]
    [InlineData(301)]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(503)]
    public void EvaluateResponse_StatusNot200_NotCacheable(int status)
    {
        // Act
        var decision = Evaluate(status, Headers(), false, NoVary);

        // Assert
        Assert.False(decision.Cacheable);
        Assert.Equal(CacheDecision.NotCacheable, decision.SkipReason);
    }

    [Theory]
    [InlineData("Set-Cookie", "session=abc")]
    [InlineData("Cache-Control", "private")]
    [InlineData("Cache-Control", "private, max-age=60")]
    [InlineData("Cache-Control", "Private")]
    [InlineData("Cache-Control", "public, private=\"Set-Cookie\"")]
    [InlineData("Cache-Control", "no-store")]
    [InlineData("Cache-Control", "no-cache")]
    [InlineData("Cache-Control", "public, no-cache=\"Set-Cookie\"")]
    [InlineData("Cache-Control", "max-age=0")]
    [InlineData("Cache-Control", "s-maxage=0, max-age=60")]
    [InlineData("Pragma", "no-cache")]
    [InlineData("Vary", "*")]
    [InlineData("Vary", "Accept-Encoding")]
    [InlineData("Vary", "Accept-Language, Cookie")]
    [InlineData("Content-Type", "text/event-stream")]
    [InlineData("Content-Type", "text/event-stream; charset=utf-8")]
    public void EvaluateResponse_ExcludedHeader_NotCacheable(string name, string value)
    {
        // Act
        var decision = Evaluate(200, Headers((name, value)), false, ["accept-language"]);

        // Assert
        Assert.False(decision.Cacheable, decision.Detail);
        Assert.Equal(CacheDecision.NotCacheable, decision.SkipReason);
    }

    [Fact]
    public void EvaluateResponse_VaryOnConfiguredHeaderOnly_Cacheable()
    {
        // Act
        var decision = Evaluate(200, Headers(("Vary", "Accept-Language")), false, ["accept-language"]);

        // Assert
        Assert.True(decision.Cacheable, decision.Detail);
    }

    [Fact]
    public void EvaluateResponse_EventStreamOnStreamingRoute_Cacheable()
    {
        // Act
        var decision = Evaluate(200, Headers(("Content-Type", "text/event-stream")), allowEventStream: true, NoVary);

        // Assert
        Assert.True(decision.Cacheable);
    }

    [Fact]
    public void EvaluateResponse_DeclaredLengthOverCap_TooLarge()
    {
        // Arrange
        IHeaderDictionary headers = Headers();
        headers.ContentLength = Cap + 1;

        // Act
        var decision = Evaluate(200, headers, false, NoVary);

        // Assert
        Assert.False(decision.Cacheable);
        Assert.Equal(CacheDecision.TooLarge, decision.SkipReason);
    }

    [Fact]
    public void EvaluateResponse_DeclaredLengthAtCap_Cacheable()
    {
        // Arrange
        IHeaderDictionary headers = Headers();
        headers.ContentLength = Cap;

        // Act / Assert
        Assert.True(Evaluate(200, headers, false, NoVary).Cacheable);
    }

    [Theory]
    [InlineData("max-age=60", 60)]
    [InlineData("public, max-age=120", 120)]
    [InlineData("max-age=600, s-maxage=30", 30)]
    [InlineData("s-maxage=90", 90)]
    public void EvaluateResponse_UpstreamLifetime_SharedMaxAgeWins(string cacheControl, int expectedSeconds)
    {
        // Act
        var decision = Evaluate(200, Headers(("Cache-Control", cacheControl)), false, NoVary);

        // Assert
        Assert.True(decision.Cacheable);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), decision.UpstreamMaxAge);
    }

    [Theory]
    [InlineData(900, null, 900)]
    [InlineData(900, 60, 60)]
    [InlineData(900, 3600, 900)]
    [InlineData(900, 900, 900)]
    public void EffectiveTtl_TierAndUpstream_SmallerWins(int tierSeconds, int? upstreamSeconds, int expectedSeconds)
    {
        // Act
        var ttl = CacheabilityPolicy.EffectiveTtl(
            TimeSpan.FromSeconds(tierSeconds), upstreamSeconds is { } s ? TimeSpan.FromSeconds(s) : null);

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ttl);
    }

    [Theory]
    [InlineData(null, null, nameof(ClientCacheDirective.None))]
    [InlineData("max-age=60", null, nameof(ClientCacheDirective.None))]
    [InlineData("no-cache", null, nameof(ClientCacheDirective.NoCache))]
    [InlineData("max-age=0", null, nameof(ClientCacheDirective.NoCache))]
    [InlineData(null, "no-cache", nameof(ClientCacheDirective.NoCache))]
    [InlineData("no-store", null, nameof(ClientCacheDirective.NoStore))]
    [InlineData("no-cache, no-store", null, nameof(ClientCacheDirective.NoStore))]
    public void ReadClientDirective_RequestHeaders_Classified(string? cacheControl, string? pragma, string expected)
    {
        // Arrange
        IHeaderDictionary headers = new HeaderDictionary();
        if (cacheControl is not null)
        {
            headers.CacheControl = cacheControl;
        }

        if (pragma is not null)
        {
            headers.Pragma = pragma;
        }

        // Act / Assert
        Assert.Equal(expected, CacheabilityPolicy.ReadClientDirective(headers).ToString());
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("POST", true)]
    [InlineData("HEAD", false)]
    [InlineData("PUT", false)]
    [InlineData("DELETE", false)]
    [InlineData("PATCH", false)]
    public void IsCacheableMethod_Method_OnlyGetAndPost(string method, bool expected) =>
        Assert.Equal(expected, CacheabilityPolicy.IsCacheableMethod(method));

    [Fact]
    public void ReplayableHeaders_NeverIncludeCookiesHopByHopOrGatewayHeaders()
    {
        // Arrange
        var forbidden = new[] { "Set-Cookie", "Connection", "Transfer-Encoding", "Keep-Alive", "X-Cache", "X-Tenant-Id", "Age", "Date", "RateLimit" };

        // Act / Assert
        foreach (var name in forbidden)
        {
            Assert.DoesNotContain(name, CacheabilityPolicy.ReplayableHeaders, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("private")]
    [InlineData("private, max-age=60")]
    public void EvaluateResponse_PrivateInUserScope_Cacheable(string cacheControl)
    {
        // Act
        var decision = Evaluate(200, Headers(("Cache-Control", cacheControl)), false, NoVary, userScoped: true);

        // Assert
        Assert.True(decision.Cacheable, decision.Detail);
    }

    [Fact]
    public void EvaluateResponse_PrivateInUserScope_MaxAgeNotSharedMaxAge()
    {
        // Act: s-maxage is for shared caches; a private answer kept for one user lives by max-age.
        var decision = Evaluate(200, Headers(("Cache-Control", "private, max-age=60, s-maxage=600")), false, NoVary, userScoped: true);

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(60), decision.UpstreamMaxAge);
    }

    [Theory]
    [InlineData("Tue, 01 Jan 2030 11:59:59 GMT", null)]
    [InlineData("Thu, 01 Jan 1970 00:00:00 GMT", null)]
    [InlineData("0", null)]
    [InlineData("-1", null)]
    [InlineData("tomorrow", null)]
    [InlineData("Tue, 01 Jan 2030 12:10:00 GMT", "Tue, 01 Jan 2030 12:10:00 GMT")]
    public void EvaluateResponse_ExpiresPastOrInvalid_NotCacheable(string expires, string? date)
    {
        // Arrange: the response's Date equals Expires in the last case, so its lifetime is zero.
        var headers = Headers(("Expires", expires));
        if (date is not null)
        {
            headers["Date"] = date;
        }

        // Act
        var decision = Evaluate(200, headers, false, NoVary);

        // Assert
        Assert.False(decision.Cacheable);
        Assert.Equal(CacheDecision.NotCacheable, decision.SkipReason);
    }

    [Fact]
    public void EvaluateResponse_ExpiresInTheFuture_LifetimeFromNow()
    {
        // Act
        var decision = Evaluate(200, Headers(("Expires", "Tue, 01 Jan 2030 12:05:00 GMT")), false, NoVary);

        // Assert
        Assert.True(decision.Cacheable, decision.Detail);
        Assert.Equal(TimeSpan.FromMinutes(5), decision.UpstreamMaxAge);
    }

    [Fact]
    public void EvaluateResponse_ExpiresWithDate_LifetimeRelativeToDate()
    {
        // Arrange: the upstream's clock is 1 h behind the gateway's; its Expires is 90 s after its Date.
        var headers = Headers(("Expires", "Tue, 01 Jan 2030 11:01:30 GMT"), ("Date", "Tue, 01 Jan 2030 11:00:00 GMT"));

        // Act
        var decision = Evaluate(200, headers, false, NoVary);

        // Assert
        Assert.True(decision.Cacheable, decision.Detail);
        Assert.Equal(TimeSpan.FromSeconds(90), decision.UpstreamMaxAge);
    }

    [Fact]
    public void EvaluateResponse_MaxAgeAndPastExpires_MaxAgeWins()
    {
        // Act: RFC 9111 §5.3, Expires is ignored when max-age is present.
        var decision = Evaluate(200, Headers(("Cache-Control", "max-age=60"), ("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")), false, NoVary);

        // Assert
        Assert.True(decision.Cacheable, decision.Detail);
        Assert.Equal(TimeSpan.FromSeconds(60), decision.UpstreamMaxAge);
    }

    [Theory]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("x-http-method")]
    [InlineData("X-Method-Override")]
    public void HasMethodOverride_OverrideHeader_True(string name) =>
        Assert.True(CacheabilityPolicy.HasMethodOverride(new HeaderDictionary { [name] = "DELETE" }));

    [Fact]
    public void HasMethodOverride_NoOverrideHeader_False() =>
        Assert.False(CacheabilityPolicy.HasMethodOverride(new HeaderDictionary { ["X-HTTP-Methods"] = "x", ["Content-Type"] = "application/json" }));

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, "identity", true)]
    [InlineData("gzip", null, false)]
    [InlineData("gzip", "", false)]
    [InlineData("gzip", "identity", false)]
    [InlineData("gzip", "br", false)]
    [InlineData("gzip", "gzip;q=0, br", false)]
    [InlineData("gzip", "gzip", true)]
    [InlineData("gzip", "GZIP;q=0.5", true)]
    [InlineData("gzip", "br, deflate, gzip", true)]
    [InlineData("gzip", "*", true)]
    [InlineData("gzip", "*, gzip;q=0", false)]
    [InlineData("gzip, br", "gzip", false)]
    [InlineData("identity", null, true)]
    public void AcceptsEncoding_StoredEncodingAgainstAcceptEncoding_OnlyWhenEveryCodingAccepted(string? contentEncoding, string? acceptEncoding, bool expected)
    {
        // Arrange
        IHeaderDictionary request = new HeaderDictionary();
        if (acceptEncoding is not null)
        {
            request.AcceptEncoding = acceptEncoding;
        }

        // Act / Assert
        Assert.Equal(expected, CacheabilityPolicy.AcceptsEncoding(request, contentEncoding is null ? default : new StringValues(contentEncoding)));
    }

    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static CacheDecision Evaluate(int status, IHeaderDictionary headers, bool allowEventStream, IReadOnlyCollection<string> keyed, bool userScoped = false) =>
        CacheabilityPolicy.EvaluateResponse(status, headers, allowEventStream, userScoped, keyed, Cap, Now);

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        return dictionary;
    }
}
