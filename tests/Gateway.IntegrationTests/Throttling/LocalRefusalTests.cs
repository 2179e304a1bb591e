using System.Net;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Throttling;

/// <summary>A node that Redis told a tenant is over its limit refuses locally until the retry time that refusal carried.</summary>
[Collection(TimingCollection.Name)]
public sealed class LocalRefusalTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RedisServerFixture _redis = RedisServerFixture.Create(RedisServerKind.RedisServer);

    public Task InitializeAsync() => _redis.StartAsync();

    public Task DisposeAsync() => _redis.StopAsync();

    [Fact]
    public async Task Refusals_TenantOverItsLimit_DecidedWithoutARedisCallEach()
    {
        // Arrange: 1 req/s, burst 1: the first request is admitted, the second refused with a retry of about a second.
        const string tenant = "lr-flood";
        await using var upstream = await ThrottlingTestGateway.StartFastUpstreamAsync();
        await using var gateway = await GatewayInstance.StartAsync(AccuracyRun.Config(upstream, tenant, _redis.ConnectionString, limit: new AccuracyLimit(1, 1)));
        await AccuracyRun.WaitForSharedLimiterAsync(gateway);
        var token = TestTokens.For(tenant);
        using (var admitted = await gateway.Client.GetAsTenantAsync(tenant, token, 0))
        using (var firstRefusal = await gateway.Client.GetAsTenantAsync(tenant, token, 1))
        {
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, firstRefusal.StatusCode);
        }

        // Act: fifty more in a row.
        var callsBefore = await AccuracyRun.ScriptCallsAsync(_redis.Port);
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 50; i++)
        {
            answers.Add(await gateway.Client.GetAsTenantAsync(tenant, token, 2 + i));
        }

        var calls = await AccuracyRun.ScriptCallsAsync(_redis.Port) - callsBefore;

        // Assert: refused with the usual headers, and Redis asked only when a retry time had passed (a machine stall
        // longer than a second lets one through and costs a call; it cannot make calls disappear).
        output.WriteLine($"{answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests)} of {answers.Count} refused with {calls} limiter script calls");
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(refused.Count >= 45, $"only {refused.Count} of 50 refused");
        Assert.All(refused, a =>
        {
            Assert.True(a.Headers.RetryAfter is not null);
            Assert.True(a.Headers.Contains("RateLimit"));
            Assert.True(a.Headers.Contains("RateLimit-Policy"));
        });
        Assert.InRange(calls, 0, 5);
        answers.ForEach(a => a.Dispose());
    }
}
