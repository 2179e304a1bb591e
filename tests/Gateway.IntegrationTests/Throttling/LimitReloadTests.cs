using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Throttling;

/// <summary>A hot reload of a tier's <c>MaxQps</c> changes admission within 2 s, without a restart.</summary>
[Collection(TimingCollection.Name)]
public sealed class LimitReloadTests(ITestOutputHelper output)
{
    private const string Tenant = "reload-tenant";
    private const double OfferedRate = 40;

    [Fact]
    public async Task Admission_MaxQpsReloaded_NewLimitInForceWithinTwoSeconds()
    {
        // Arrange: 5 req/s (default burst 1), offered 40 req/s.
        await using var upstream = await ThrottlingTestGateway.StartFastUpstreamAsync();
        var config = new GatewayConfigBuilder().WithUpstream(upstream.Url)
            .WithTier(ThrottlingTestGateway.MeteredTier, timeoutMs: 1000, maxQps: 5)
            .WithTenant(Tenant, ThrottlingTestGateway.MeteredTier);
        await using var gateway = await GatewayInstance.StartAsync(config);
        await ProxyFixture.WarmUpAsync(gateway);
        var token = TestTokens.For(Tenant);
        var clock = Stopwatch.StartNew();
        double? reloadedAt = null;

        // Act: raise the limit to 20 req/s two seconds into a six-second run.
        var sending = OpenLoopSender.RunAsync(i => gateway.Client.GetAsTenantAsync(Tenant, token, i), OfferedRate, TimeSpan.FromSeconds(6));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rewriteAt = clock.Elapsed.TotalSeconds;
        await gateway.RewriteConfigAsync(root => GatewayConfigBuilder.Set(root, $"Gateway:Tiers:{ThrottlingTestGateway.MeteredTier}:MaxQps", 20));
        var sent = await sending;

        // Assert: the first answer under the new policy, measured on the sender's clock (started with ours, give or take microseconds).
        var afterReload = sent.Where(r => r.RateLimitPolicy == "\"metered\";q=20;w=1").OrderBy(r => r.SentAt).ToList();
        Assert.NotEmpty(afterReload);
        reloadedAt = afterReload[0].SentAt;
        var latency = reloadedAt.Value - rewriteAt;
        Assert.All(sent.Where(r => r.SentAt < rewriteAt), r => Assert.Equal("\"metered\";q=5;w=1", r.RateLimitPolicy));

        var before = Rate(sent, rewriteAt - 1.5, rewriteAt);
        var after = Rate(sent, reloadedAt.Value + 0.5, sent.Max(r => r.SentAt));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"config rewritten at {rewriteAt:F3} s; first request under MaxQps 20 sent at {reloadedAt:F3} s: reload latency {latency * 1000:F0} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"admitted rate before: {before:F1} req/s, after: {after:F1} req/s"));
        output.WriteLine("admitted per second: " + OpenLoopSender.PerSecond(sent, r => r.Status == HttpStatusCode.OK));
        Assert.InRange(latency, 0, 2);

        // Upper bounds are the limits themselves. Lower bounds are only what a stall of this 2-core machine (which
        // thins out the sender, never the limiter) cannot fake: refusals under the old limit, and an admitted rate
        // after the reload well above anything the old limit allowed.
        Assert.Contains(sent, r => r.SentAt < rewriteAt && r.Status == HttpStatusCode.TooManyRequests);
        Assert.InRange(before, 0, 6.5);
        Assert.InRange(after, 12, 23);
    }

    private static double Rate(IReadOnlyList<SentRequest> sent, double from, double to) =>
        sent.Count(r => r.Status == HttpStatusCode.OK && r.SentAt >= from && r.SentAt < to) / (to - from);
}
