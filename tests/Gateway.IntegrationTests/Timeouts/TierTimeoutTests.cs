using System.Diagnostics;
using System.Net;
using System.Text;
using RagBackendSim;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Timeouts;

/// <summary>
/// The tier's hard timeout, counted from arrival at the gateway: platinum (200 ms) gets 504 near its budget from an
/// upstream that needs 350 ms, gold (500 ms) gets the answer, and the upstream sees its request aborted.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class TierTimeoutTests(ITestOutputHelper output)
{
    private const int UpstreamDelayMs = 350;
    private const int PlatinumBudgetMs = 200;

    // Upper tolerance over the budget for a loaded 2-core CI machine (the issue asks for budget + 50 ms on a quiet one).
    private const int ToleranceMs = 150;

    // Linux timers run on a coarse clock and may fire a few milliseconds before a Stopwatch says the time is up.
    private const int EarlyTimerAllowanceMs = 5;

    [Fact]
    public async Task Proxy_PlatinumUpstreamSlowerThanBudget_Returns504NearBudget()
    {
        // Arrange
        using var upstream = SlowWireMock();
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithUpstream(upstream.Url!));
        await ProxyFixture.WarmUpAsync(gateway);
        var token = TestTokens.For(GatewayConfigBuilder.PlatinumTenant);
        var elapsed = new List<double>();

        // Act: several samples, so the reported accuracy is not one lucky run.
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await gateway.GetAsync("/slow", token);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout, "tier-timeout");
            elapsed.Add(clock.Elapsed.TotalMilliseconds);

            // Assert (per sample)
            Assert.Equal(GatewayConfigBuilder.PlatinumTenant, problem.GetProperty("tenant").GetString());
            Assert.Equal("platinum", problem.GetProperty("tier").GetString());
            Assert.Equal(PlatinumBudgetMs, problem.GetProperty("budget_ms").GetInt32());
        }

        // Assert
        output.WriteLine($"platinum 504 elapsed (ms): {string.Join(", ", elapsed.Select(e => e.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
        // Never before the budget. Near it in the typical case: the median, not every sample, because a stall of this
        // 2-core machine (GC, another process) delays a client-side reading without saying anything about the gateway.
        Assert.All(elapsed, e => Assert.True(e >= PlatinumBudgetMs - EarlyTimerAllowanceMs, $"504 after {e:F1} ms, before the budget"));
        var median = elapsed.Order().ElementAt(elapsed.Count / 2);
        Assert.InRange(median, PlatinumBudgetMs - EarlyTimerAllowanceMs, PlatinumBudgetMs + ToleranceMs);
    }

    [Fact]
    public async Task Proxy_GoldUpstreamWithinBudget_ReturnsUpstreamAnswer()
    {
        // Arrange
        using var upstream = SlowWireMock();
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithUpstream(upstream.Url!));
        await ProxyFixture.WarmUpAsync(gateway);

        // Act
        var clock = Stopwatch.StartNew();
        using var response = await gateway.GetAsync("/slow", TestTokens.For(GatewayConfigBuilder.GoldTenant));
        var body = await response.Content.ReadAsStringAsync();
        clock.Stop();

        // Assert
        output.WriteLine($"gold 200 elapsed: {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slow-answer", body);
        Assert.True(clock.Elapsed.TotalMilliseconds >= UpstreamDelayMs - EarlyTimerAllowanceMs, "The answer cannot beat the upstream delay.");
    }

    [Fact]
    public async Task Proxy_PlatinumDeadlinePasses_UpstreamRequestAborted()
    {
        // Arrange: an upstream that never answers /hang on its own and records that its request was aborted.
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completedNormally = false;
        await using var upstream = await KestrelUpstream.StartAsync(async context =>
        {
            if (context.Request.Path != "/hang")
            {
                return;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                completedNormally = true;
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
            }
        });
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithUpstream(upstream.Url));
        await ProxyFixture.WarmUpAsync(gateway);

        // Act
        using var response = await gateway.GetAsync("/hang", TestTokens.For(GatewayConfigBuilder.PlatinumTenant));

        // Assert
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout, "tier-timeout");
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(completedNormally);
    }

    [Fact]
    public async Task Proxy_PlatinumDeadlinePasses_RagBackendSimCountsAbortedQuery()
    {
        // Arrange: the simulated RAG backend; the gateway path is warmed up first so the query reaches the
        // backend well inside the budget, and the backend is told to take 600 ms for the measured query.
        await using var backend = RagBackend.Create(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await backend.StartAsync();
        var stats = backend.Services.GetRequiredService<RagBackendStats>();
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithUpstream(backend.Urls.First()));
        using (var warmUp = await gateway.Client.SendAsync(Query(GatewayConfigBuilder.SilverTenant, delayMs: 0)))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        // Act
        using var response = await gateway.Client.SendAsync(Query(GatewayConfigBuilder.PlatinumTenant, delayMs: 600));

        // Assert
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.GatewayTimeout, "tier-timeout");
        var abortedSeen = await Poll.UntilAsync(() => stats.GetTenant(GatewayConfigBuilder.PlatinumTenant).Aborted == 1, TimeSpan.FromSeconds(3));
        Assert.True(abortedSeen, "The backend never saw the query aborted.");
        Assert.Equal(0, stats.GetTenant(GatewayConfigBuilder.PlatinumTenant).Served);
        await backend.StopAsync();
    }

    [Fact]
    public async Task Proxy_EventStreamOutlivesPlatinumBudget_StreamCompletes()
    {
        // Arrange: the deadline covers the time to the response headers; a started stream runs past the 200 ms budget.
        await using var upstream = await KestrelUpstream.StartAsync(async context =>
        {
            if (context.Request.Path != "/stream")
            {
                return;
            }

            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: 1\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(400), context.RequestAborted);
            await context.Response.WriteAsync("data: 2\n\n");
        });
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithUpstream(upstream.Url));
        await ProxyFixture.WarmUpAsync(gateway);
        using var request = GatewayInstance.Request(HttpMethod.Get, "/stream", TestTokens.For(GatewayConfigBuilder.PlatinumTenant));

        // Act
        using var response = await gateway.Client.SendAsync(
            request,
            HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("data: 1\n\ndata: 2\n\n", body);
    }

    private static HttpRequestMessage Query(string tenant, int delayMs)
    {
        var request = GatewayInstance.Request(HttpMethod.Post, "/query", TestTokens.For(tenant));
        request.Headers.Add("X-Sim-Delay-Ms", delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Content = new StringContent("""{"query":"what is tenant isolation?"}""", Encoding.UTF8, "application/json");
        return request;
    }

    private static WireMock.Server.WireMockServer SlowWireMock()
    {
        var upstream = WireMockUpstream.Start();
        upstream.Given(Request.Create().UsingAnyMethod().WithPath("/slow"))
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("slow-answer").WithDelay(TimeSpan.FromMilliseconds(UpstreamDelayMs)));
        upstream.Given(Request.Create().UsingAnyMethod().WithPath("/warm-up"))
            .RespondWith(Response.Create().WithStatusCode(200));
        return upstream;
    }
}
