using System.Text;
using Gateway.Transforms.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Caching;

public sealed class ResponseCaptureTests
{
    [Fact]
    public async Task Write_CacheableResponse_ClientGetsEveryByteAndCopyIsComplete()
    {
        // Arrange
        var (context, client) = Context();
        var capture = ResponseCapture.Install(context, Cacheable, maxBytes: 64, onAbandoned: null);

        // Act
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("hello "));
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("world"));
        var captured = capture.TryGetBody(out var body);
        await capture.UninstallAsync();

        // Assert
        Assert.True(captured);
        Assert.Equal("hello world", Encoding.UTF8.GetString(body.Span));
        Assert.Equal("hello world", Encoding.UTF8.GetString(client.ToArray()));
    }

    [Fact]
    public async Task Write_BodyOverCap_TooLargePassesThroughAndAbandonsOnce()
    {
        // Arrange
        var (context, client) = Context();
        var abandoned = 0;
        var capture = ResponseCapture.Install(context, Cacheable, maxBytes: 8, onAbandoned: () => abandoned++);

        // Act
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("12345"));
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("67890"));
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("more"));

        // Assert
        Assert.False(capture.TryGetBody(out _));
        Assert.Equal(CaptureState.TooLarge, capture.State);
        Assert.Equal(1, abandoned);
        Assert.Equal("1234567890more", Encoding.UTF8.GetString(client.ToArray()));
    }

    [Fact]
    public async Task Write_NotCacheable_DecidedAtFirstWriteAndNothingBuffered()
    {
        // Arrange
        var (context, client) = Context();
        var abandoned = 0;
        var capture = ResponseCapture.Install(context, _ => new CacheDecision(false, CacheDecision.NotCacheable, "test", null), 64, () => abandoned++);

        // Act
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: 1\n\n"));

        // Assert
        Assert.Equal(CaptureState.PassThrough, capture.State);
        Assert.Equal(1, abandoned);
        Assert.False(capture.TryGetBody(out _));
        Assert.Equal("data: 1\n\n", Encoding.UTF8.GetString(client.ToArray()));
    }

    [Fact]
    public async Task TryGetBody_ShorterThanContentLength_NotComplete()
    {
        // Arrange
        var (context, _) = Context();
        context.Response.ContentLength = 100;
        var capture = ResponseCapture.Install(context, Cacheable, 1024, null);

        // Act
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("partial"));

        // Assert
        Assert.False(capture.TryGetBody(out _));
    }

    [Fact]
    public async Task UninstallAsync_RestoresOriginalBodyFeature()
    {
        // Arrange
        var (context, _) = Context();
        var original = context.Features.Get<IHttpResponseBodyFeature>();
        var capture = ResponseCapture.Install(context, Cacheable, 1024, null);

        // Act
        await capture.UninstallAsync();

        // Assert
        Assert.Same(original, context.Features.Get<IHttpResponseBodyFeature>());
    }

    private static CacheDecision Cacheable(HttpResponse response) => new(true, null, null, null);

    private static (DefaultHttpContext Context, MemoryStream Client) Context()
    {
        var client = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(client));
        return (context, client);
    }
}
