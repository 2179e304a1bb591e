using System.Net;
using Gateway.Transforms.Fairness;

namespace Gateway.IntegrationTests.Streaming;

/// <summary>
/// Issue 12 item 3: a streamed answer holds its tenant's slot for its whole life, and the gateway ends it cleanly (a
/// normal end of the response, counted in <c>gateway_stream_ended_total</c>) when it runs past the tier's
/// <c>MaxStreamSeconds</c> or the upstream goes silent for <c>Gateway:Limits:StreamIdleSeconds</c>; the upstream request
/// is cancelled and the slot freed.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class StreamLimitTests
{
    private const string Tenant = GatewayConfigBuilder.SilverTenant;
    private const string Cluster = GatewayConfigBuilder.DefaultRouteId + "-cluster";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Proxy_StreamRunsPastMaxStreamSeconds_EndsCleanlyCancelsUpstreamAndFreesItsSlot()
    {
        // Arrange: an upstream that would stream forever, one event every 100 ms.
        var upstreamAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await KestrelUpstream.StartAsync(context => EndlessAsync(context, TimeSpan.FromMilliseconds(100), upstreamAborted));
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(upstream.Url)
            .WithRelaxedTimeouts()
            .With("Gateway:Tiers:silver:MaxStreamSeconds", 1));
        var registry = gateway.Services.GetRequiredService<FairQueueRegistry>();

        // Act
        using var response = await OpenStreamAsync(gateway);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(Patience);
        var heldWhileStreaming = registry.InFlight(Cluster, Tenant);
        var rest = await reader.ReadToEndAsync().WaitAsync(Patience);

        // Assert: a normal end of the body (no exception), the upstream saw the abort, the slot came back.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("data: ", first, StringComparison.Ordinal);
        Assert.Equal(1, heldWhileStreaming);
        Assert.Contains("data: ", rest, StringComparison.Ordinal);
        await upstreamAborted.Task.WaitAsync(Patience);
        Assert.True(await Poll.UntilAsync(() => registry.InFlight(Cluster, Tenant) == 0, Patience));
        Assert.Equal(1, await EndedAsync(gateway, "max_duration"));
    }

    [Fact]
    public async Task Proxy_UpstreamSilentPastStreamIdleSeconds_EndsCleanly()
    {
        // Arrange: one event, then silence.
        var upstreamAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await KestrelUpstream.StartAsync(context => EndlessAsync(context, Timeout.InfiniteTimeSpan, upstreamAborted));
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(upstream.Url)
            .WithRelaxedTimeouts()
            .With("Gateway:Limits:StreamIdleSeconds", 1));

        // Act
        using var response = await OpenStreamAsync(gateway);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(Patience);

        // Assert
        Assert.Equal("data: 0\n\n", body);
        await upstreamAborted.Task.WaitAsync(Patience);
        Assert.Equal(1, await EndedAsync(gateway, "idle"));
    }

    [Fact]
    public async Task Proxy_TenantHoldsStreams_OtherTenantStillGetsItsShare()
    {
        // Arrange: two slots; gold is active, so silver's streams get one slot (its share) and the rest wait.
        var upstreamAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await KestrelUpstream.StartAsync(context => context.Request.Path.StartsWithSegments("/stream")
            ? EndlessAsync(context, TimeSpan.FromMilliseconds(100), upstreamAborted)
            : context.Response.WriteAsync("{}"));
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder()
            .WithUpstream(upstream.Url)
            .WithRelaxedTimeouts()
            .With("Gateway:Fairness:MaxInFlight", 2)
            .With("Gateway:Fairness:AutoThrottleShare", 1.0)
            .With("Gateway:Tiers:silver:MaxStreamSeconds", 3));
        var registry = gateway.Services.GetRequiredService<FairQueueRegistry>();
        using (var hello = await gateway.Client.SendAsync(GatewayInstance.Request(HttpMethod.Get, "/hello", TestTokens.For(GatewayConfigBuilder.GoldTenant))))
        {
            Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        }

        // Act: silver opens three streams; gold then asks five times.
        var streams = Enumerable.Range(0, 3).Select(_ => OpenStreamAsync(gateway)).ToList();
        Assert.True(await Poll.UntilAsync(() => registry.InFlight(Cluster, Tenant) == 1 && registry.Queued(Cluster, Tenant) == 2, Patience));
        var gold = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await gateway.Client.SendAsync(GatewayInstance.Request(HttpMethod.Get, $"/q{i}", TestTokens.For(GatewayConfigBuilder.GoldTenant)));
            gold.Add(response.StatusCode);
        }

        var silverHeld = registry.InFlight(Cluster, Tenant);

        // Assert
        Assert.All(gold, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1, silverHeld);
        Assert.Equal(0, registry.Queued(Cluster, GatewayConfigBuilder.GoldTenant));
        foreach (var stream in streams.Where(s => s.IsCompleted))
        {
            (await stream).Dispose();
        }
    }

    private static async Task<HttpResponseMessage> OpenStreamAsync(GatewayInstance gateway)
    {
        using var request = GatewayInstance.Request(HttpMethod.Get, "/stream", TestTokens.For(Tenant));
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task EndlessAsync(HttpContext context, TimeSpan interval, TaskCompletionSource aborted)
    {
        context.Response.ContentType = "text/event-stream";
        using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
        try
        {
            for (var i = 0; ; i++)
            {
                await context.Response.WriteAsync($"data: {i}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(interval, context.RequestAborted);
            }
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The gateway ended the stream.
        }
    }

    private static async Task<double> EndedAsync(GatewayInstance gateway, string reason) =>
        await Poll.UntilAsync(
            async () => PrometheusText.Value(await gateway.ScrapeMetricsAsync(), "gateway_stream_ended_total", ("tenant", Tenant), ("reason", reason)),
            v => v >= 1,
            Patience);
}
