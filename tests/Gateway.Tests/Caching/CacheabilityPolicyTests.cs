using Gateway.Transforms.Caching;
using Microsoft.AspNetCore.Http;

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
        var decision = CacheabilityPolicy.EvaluateResponse(200, headers, allowEventStream: false, NoVary, Cap);

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
        var decision = CacheabilityPolicy.EvaluateResponse(status, Headers(), false, NoVary, Cap);

        // Assert
        Assert.False(decision.Cacheable);
        Assert.Equal(CacheDecision.NotCacheable, decision.SkipReason);
    }

    [Theory]
    [InlineData("Set-Cookie", "session=abc")]
    [InlineData("Cache-Control", "private")]
    [InlineData("Cache-Control", "private, max-age=60")]
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
        var decision = CacheabilityPolicy.EvaluateResponse(200, Headers((name, value)), false, ["accept-language"], Cap);

        // Assert
        Assert.False(decision.Cacheable, decision.Detail);
        Assert.Equal(CacheDecision.NotCacheable, decision.SkipReason);
    }

    [Fact]
    public void EvaluateResponse_VaryOnConfiguredHeaderOnly_Cacheable()
    {
        // Act
        var decision = CacheabilityPolicy.EvaluateResponse(200, Headers(("Vary", "Accept-Language")), false, ["accept-language"], Cap);

        // Assert
        Assert.True(decision.Cacheable, decision.Detail);
    }

    [Fact]
    public void EvaluateResponse_EventStreamOnStreamingRoute_Cacheable()
    {
        // Act
        var decision = CacheabilityPolicy.EvaluateResponse(200, Headers(("Content-Type", "text/event-stream")), allowEventStream: true, NoVary, Cap);

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
        var decision = CacheabilityPolicy.EvaluateResponse(200, headers, false, NoVary, Cap);

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
        Assert.True(CacheabilityPolicy.EvaluateResponse(200, headers, false, NoVary, Cap).Cacheable);
    }

    [Theory]
    [InlineData("max-age=60", 60)]
    [InlineData("public, max-age=120", 120)]
    [InlineData("max-age=600, s-maxage=30", 30)]
    [InlineData("s-maxage=90", 90)]
    public void EvaluateResponse_UpstreamLifetime_SharedMaxAgeWins(string cacheControl, int expectedSeconds)
    {
        // Act
        var decision = CacheabilityPolicy.EvaluateResponse(200, Headers(("Cache-Control", cacheControl)), false, NoVary, Cap);

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
