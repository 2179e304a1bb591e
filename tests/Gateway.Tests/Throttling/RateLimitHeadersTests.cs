using Gateway.Transforms.Throttling;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Throttling;

public sealed class RateLimitHeadersTests
{
    [Fact]
    public void Apply_Admitted_SetsPolicyAndRemainingWithoutRetryAfter()
    {
        // Arrange
        var headers = new HeaderDictionary();
        var decision = new RateLimitDecision(true, new RateLimitPolicy(500, 50), 49, TimeSpan.Zero, TimeSpan.FromMilliseconds(2), RateLimitSource.Shared);

        // Act
        RateLimitHeaders.Apply(headers, "gold", decision);

        // Assert
        Assert.Equal("\"gold\";q=500;w=1", headers["RateLimit-Policy"].ToString());
        Assert.Equal("\"gold\";r=49;t=1", headers["RateLimit"].ToString());
        Assert.False(headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public void Apply_Refused_RetryAfterEqualsResetAndRemainingIsZero()
    {
        // Arrange
        IHeaderDictionary headers = new HeaderDictionary();
        var decision = new RateLimitDecision(false, new RateLimitPolicy(2, 1), 0, TimeSpan.FromMilliseconds(1200), TimeSpan.FromMilliseconds(1200), RateLimitSource.Shared);

        // Act
        RateLimitHeaders.Apply(headers, "silver", decision);

        // Assert
        Assert.Equal("2", headers.RetryAfter.ToString());
        Assert.Equal("\"silver\";r=0;t=2", headers["RateLimit"].ToString());
        Assert.Equal("\"silver\";q=2;w=1", headers["RateLimit-Policy"].ToString());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(20, 1)]
    [InlineData(1000, 1)]
    [InlineData(1001, 2)]
    [InlineData(2500, 3)]
    public void RetryAfterSeconds_Milliseconds_RoundsUpToAtLeastOne(int milliseconds, long expected) =>
        Assert.Equal(expected, RateLimitHeaders.RetryAfterSeconds(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(50, 50, 1)]
    [InlineData(16.67, 17, 1)]
    [InlineData(0.5, 1, 2)]
    [InlineData(0.3, 1, 4)]
    public void Window_Rate_GivesWholeQuotaPerWindow(double rate, long quota, long window) =>
        Assert.Equal((quota, window), RateLimitHeaders.Window(rate));

    [Fact]
    public void SfString_QuoteAndBackslash_Escaped() =>
        Assert.Equal("\"a\\\"b\\\\c\"", RateLimitHeaders.SfString("a\"b\\c"));
}
