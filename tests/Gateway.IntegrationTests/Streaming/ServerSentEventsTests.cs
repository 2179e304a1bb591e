using System.Net;

namespace Gateway.IntegrationTests.Streaming;

/// <summary><c>text/event-stream</c> answers pass through event by event, never buffered.</summary>
public sealed class ServerSentEventsTests
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Proxy_EventStream_FirstEventReachesClientBeforeUpstreamFinishes()
    {
        // Arrange: the upstream sends one event, then waits for the test before sending the rest.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? tierSeenUpstream = null;
        await using var upstream = await KestrelUpstream.StartAsync(async context =>
        {
            tierSeenUpstream = context.Request.Headers["X-Tenant-Tier"];
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: 1\n\n");
            await context.Response.Body.FlushAsync();
            await release.Task.WaitAsync(ReadTimeout, context.RequestAborted);
            await context.Response.WriteAsync("data: 2\n\n");
            upstreamFinished.SetResult();
        });
        await using var gateway = await GatewayInstance.StartAsync(new GatewayConfigBuilder().WithUpstream(upstream.Url).WithRelaxedTimeouts());
        using var request = GatewayInstance.Request(HttpMethod.Get, "/stream", TestTokens.For(GatewayConfigBuilder.SilverTenant));
        request.Headers.Accept.ParseAdd("text/event-stream");

        // Act
        using var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(ReadTimeout);
        var upstreamStillWaiting = !release.Task.IsCompleted && !upstreamFinished.Task.IsCompleted;
        release.SetResult();
        var rest = await reader.ReadToEndAsync().WaitAsync(ReadTimeout);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: 1", first);
        Assert.True(upstreamStillWaiting, "The first event must arrive while the upstream is still held back.");
        Assert.Equal("\ndata: 2\n\n", rest);
        Assert.True(upstreamFinished.Task.IsCompletedSuccessfully);
        Assert.Equal("silver", tierSeenUpstream);
    }
}
