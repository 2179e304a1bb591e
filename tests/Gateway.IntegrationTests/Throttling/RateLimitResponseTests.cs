using System.Net;
using System.Text.RegularExpressions;

namespace Gateway.IntegrationTests.Throttling;

/// <summary>What a client sees: 429 problem+json with <c>Retry-After</c> and <c>RateLimit</c> headers that agree, and the
/// <c>RateLimit</c> headers on admitted answers, from the embedded limiter and from the shared Redis one.</summary>
[Collection(RedisCollection.Name)]
public sealed partial class RateLimitResponseTests(RedisServerFixture redis)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Proxy_OverLimit_429WithRetryAfterMatchingRateLimitReset(bool sharedRedis)
    {
        // Arrange: 1 req/s with a burst of 3; a quick series exhausts it.
        var tenant = sharedRedis ? "headers-redis" : "headers-embedded";
        await using var upstream = await ThrottlingTestGateway.StartFastUpstreamAsync();
        var config = new GatewayConfigBuilder().WithUpstream(upstream.Url).WithMeteredTenants(1, 3, tenant);
        await using var gateway = await GatewayInstance.StartAsync(sharedRedis ? config.WithRedis(redis.ConnectionString) : config);
        if (sharedRedis)
        {
            await AccuracyRun.WaitForSharedLimiterAsync(gateway);
        }

        var token = TestTokens.For(tenant);
        var responses = new List<HttpResponseMessage>();

        // Act
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await gateway.Client.GetAsTenantAsync(tenant, token, i));
        }

        // Assert: admitted answers count down r and carry the policy.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], responses.Select(r => r.StatusCode));
        Assert.All(responses, r => Assert.Equal("\"metered\";q=1;w=1", Header(r, "RateLimit-Policy")));
        Assert.Equal(["2", "1", "0"], responses.Take(3).Select(r => RateLimitParameter(r, "r")));

        var refused = responses[3];
        var retryAfter = Header(refused, "Retry-After");
        Assert.Equal("1", retryAfter);
        Assert.Equal("0", RateLimitParameter(refused, "r"));
        Assert.Equal(retryAfter, RateLimitParameter(refused, "t"));
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Equal(tenant, problem.GetProperty("tenant").GetString());
        Assert.Equal("metered", problem.GetProperty("tier").GetString());
        Assert.Equal(1, problem.GetProperty("limit_qps").GetDouble());
        Assert.Equal("rate_limit", problem.GetProperty("reason").GetString());
        Assert.Contains("1 requests per second", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Proxy_Refused_RetryAfterHonoured_NextRequestAdmitted()
    {
        // Arrange
        const string tenant = "headers-retry";
        await using var upstream = await ThrottlingTestGateway.StartFastUpstreamAsync();
        await using var gateway = await GatewayInstance.StartAsync(
            new GatewayConfigBuilder().WithUpstream(upstream.Url).WithMeteredTenants(2, 1, tenant).WithRedis(redis.ConnectionString));
        await AccuracyRun.WaitForSharedLimiterAsync(gateway);
        var token = TestTokens.For(tenant);
        using var first = await gateway.Client.GetAsTenantAsync(tenant, token, 0);
        using var refused = await gateway.Client.GetAsTenantAsync(tenant, token, 1);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        // Act: a client that waits as told is let in.
        await Task.Delay(TimeSpan.FromSeconds(int.Parse(Header(refused, "Retry-After")!, System.Globalization.CultureInfo.InvariantCulture)));
        using var retried = await gateway.Client.GetAsTenantAsync(tenant, token, 2);

        // Assert
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static string? RateLimitParameter(HttpResponseMessage response, string name)
    {
        var header = Header(response, "RateLimit");
        Assert.NotNull(header);
        Assert.Matches(RateLimitSyntax(), header);
        var match = Regex.Match(header, $";{name}=(\\d+)", RegexOptions.CultureInvariant);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("^\"[a-z]+\";r=\\d+;t=\\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex RateLimitSyntax();
}
