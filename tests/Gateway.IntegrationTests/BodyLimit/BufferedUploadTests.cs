using System.Diagnostics;
using System.Net;
using System.Text;
using Gateway.Transforms.Infrastructure.Http;

namespace Gateway.IntegrationTests.BodyLimit;

/// <summary>
/// Issue 12 item 4: request bodies are read only after the rate limiter admitted the tenant and under the tier
/// deadline, and every buffered byte counts against the node's budget and the tenant's share of it.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class BufferedUploadTests
{
    private const string Tenant = GatewayConfigBuilder.SilverTenant;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Proxy_ChunkedUploadStallsMidway_504AtTheTierDeadline()
    {
        // Arrange: silver's budget is 1 s; the client sends 10 bytes and then nothing.
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("{}"));
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithUpstream(upstream.Url));
        var clock = Stopwatch.StartNew();

        // Act
        var (status, body) = await StalledUploadAsync(gateway);
        clock.Stop();

        // Assert: the deadline answered, long before Kestrel's own body timeouts would have.
        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Contains("tier-timeout", body, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"answered after {clock.Elapsed.TotalMilliseconds:F0} ms, before the deadline");
    }

    [Fact]
    public async Task Proxy_ThrottledTenantStartsStalledUpload_429WithoutReadingTheBody()
    {
        // Arrange: a limit of 1 request (burst 1), spent by a first request.
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Response.WriteAsync("{}"));
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(upstream.Url)
            .WithRelaxedTimeouts()
            .With("Gateway:Tiers:silver:MaxQps", 1)
            .With("Gateway:Tiers:silver:Burst", 1));
        using (var first = await gateway.Client.SendAsync(Upload(Tenant, new StringContent("{}"))))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // Act: the body never completes; a gateway that read it first would wait until the 30 s deadline.
        var (status, body) = await StalledUploadAsync(gateway);

        // Assert
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("rate-limited", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_TenantPastItsBufferShare_503BufferFullWhileOtherTenantsUploadAndBudgetReturns()
    {
        // Arrange: 256 KB for the node, a quarter (64 KB) per tenant. Silver's first upload sends 60 KB and stalls: it
        // holds four 16 KB segments, the whole share.
        await using var upstream = await KestrelUpstream.StartAsync(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            await context.Response.WriteAsync("{}");
        });
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(upstream.Url)
            .WithRelaxedTimeouts()
            .With("Gateway:Limits:MaxBufferedBytes", 256 * 1024)
            .With("Gateway:Limits:TenantBufferedShare", 0.25));
        var budget = gateway.Services.GetRequiredService<RequestBufferBudget>();
        using var stalledClient = gateway.CreateClient();
        var resume = new TaskCompletionSource();
        using var stalledRequest = Upload(Tenant, new StalledContent(new byte[60 * 1024], resume.Task, new byte[10]));
        var stalled = stalledClient.SendAsync(stalledRequest);
        Assert.True(await Poll.UntilAsync(() => budget.BytesOf(Tenant) == 64 * 1024, Patience));

        // Act: a second upload of the same tenant, and one of another tenant.
        using var second = await gateway.Client.SendAsync(Upload(Tenant, new ChunkedContent(new byte[1024])));
        using var other = await gateway.Client.SendAsync(Upload(GatewayConfigBuilder.GoldTenant, new ChunkedContent(new byte[40 * 1024])));
        resume.TrySetResult();
        using var firstAnswer = await stalled.WaitAsync(Patience);

        // Assert
        var problem = await ProblemAssert.IsProblemAsync(second, HttpStatusCode.ServiceUnavailable, "buffer-full");
        Assert.Equal("1", second.Headers.RetryAfter?.ToString());
        Assert.Equal(64 * 1024, problem.GetProperty("tenant_buffered_bytes_limit").GetInt64());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, firstAnswer.StatusCode);
        Assert.True(await Poll.UntilAsync(() => budget.TotalBytes == 0, Patience), "every reservation is given back when its request ends");
    }

    /// <summary>A chunked upload that sends its first 10 bytes and then nothing (<c>HttpClient</c> would not hand over an early answer).</summary>
    private static async Task<(HttpStatusCode Status, string Body)> StalledUploadAsync(GatewayInstance gateway)
    {
        await using var raw = await RawHttp.ConnectAsync(gateway.BaseAddress);
        await raw.WriteHeadAsync("POST", "/upload", gateway.BaseAddress,
            [("Authorization", $"Bearer {TestTokens.For(Tenant)}"), ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]);
        await raw.WriteAsync("a\r\n{\"query\":\"\r\n");
        var answer = await raw.ReadAnswerAsync(Patience);
        return ((HttpStatusCode)answer.Status, answer.Body);
    }

    private static HttpRequestMessage Upload(string tenant, HttpContent content)
    {
        var request = GatewayInstance.Request(HttpMethod.Post, "/upload", TestTokens.For(tenant));
        request.Content = content;
        return request;
    }
}
