using Gateway.Tests.Support;
using Gateway.Transforms.BodyLimit;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.BodyLimit;

public sealed class RequestBodyLimitStageTests : IDisposable
{
    private const int Limit = 1024;

    private readonly FakeTimeProvider _time = new();
    private readonly TestMeters _meters = new();
    private readonly RequestBufferBudget _budget = new();
    private readonly RequestBufferPool _pool = new();
    private readonly TestGatewaySettings _settings = new(o =>
    {
        o.Limits.MaxRequestBodyBytes = Limit;
        o.Limits.MaxBufferedBytes = 8 * Limit;
        o.Limits.TenantBufferedShare = 0.25;
    });

    private readonly RequestBodyLimitStage _stage;

    public RequestBodyLimitStageTests()
    {
        _stage = new RequestBodyLimitStage(new RequestBodyBuffer(_budget, _pool, new RequestBufferMetrics(_meters.Factory, _budget, _pool)));
    }

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task InvokeAsync_DeclaredLengthOverLimit_413WithoutCallingNext()
    {
        // Arrange
        var context = Arrive(new byte[Limit + 1]);
        context.Request.ContentLength = Limit + 1;

        // Act
        var called = await InvokeAsync(context);

        // Assert
        Assert.False(called);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, context.Response.StatusCode);
        Assert.Equal("close", context.Response.Headers.Connection.ToString());
        Assert.Equal(RequestOutcome.Rejected, context.State().Outcome);
        var problem = context.ResponseJson();
        Assert.Equal("https://tenant-gateway.dev/problems/payload-too-large", problem.GetProperty("type").GetString());
        Assert.Equal(Limit, problem.GetProperty("limit_bytes").GetInt64());
        Assert.Equal(0, context.Request.Body.Position);
    }

    [Fact]
    public async Task InvokeAsync_DeclaredLengthAtLimit_ForwardedUnread()
    {
        // Arrange
        var context = Arrive(new byte[Limit]);
        context.Request.ContentLength = Limit;
        var original = context.Request.Body;
        Stream? forwarded = null;

        // Act
        await _stage.InvokeAsync(context, c =>
        {
            forwarded = c.Request.Body;
            return Task.CompletedTask;
        });

        // Assert: streamed as it is, not buffered.
        Assert.Same(original, forwarded);
        Assert.Equal(0, original.Position);
        Assert.Null(context.State().BufferedBody);
    }

    [Fact]
    public async Task InvokeAsync_ChunkedWithinLimit_ForwardedBufferedWithItsLength()
    {
        // Arrange
        var payload = Enumerable.Range(0, Limit).Select(i => (byte)i).ToArray();
        var context = Arrive(payload);
        context.Request.Headers.TransferEncoding = "chunked";
        byte[]? forwarded = null;

        // Act
        await _stage.InvokeAsync(context, async c =>
        {
            using var copy = new MemoryStream();
            await c.Request.Body.CopyToAsync(copy);
            forwarded = copy.ToArray();
        });

        // Assert
        Assert.Equal(payload, forwarded);
        Assert.Equal(Limit, context.Request.ContentLength);
        Assert.Equal(0, context.Request.Headers.TransferEncoding.Count);
        Assert.Equal(payload, context.State().BufferedBody!.Value.ToArray());
    }

    [Fact]
    public async Task InvokeAsync_ChunkedOverLimit_413WithoutReadingTheRest()
    {
        // Arrange: a body far over the cap.
        var context = Arrive(new byte[64 * Limit]);
        context.Request.Headers.TransferEncoding = "chunked";

        // Act
        var called = await InvokeAsync(context);

        // Assert
        Assert.False(called);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, context.Response.StatusCode);
        Assert.InRange(context.Request.Body.Position, Limit + 1, 32 * Limit);
    }

    [Fact]
    public async Task InvokeAsync_ChunkedWithinLimit_BufferedBytesReservedForTheTenant()
    {
        // Arrange
        var context = Arrive(new byte[Limit]);
        context.Request.Headers.TransferEncoding = "chunked";

        // Act
        await _stage.InvokeAsync(context, _ => Task.CompletedTask);

        // Assert: the buffer (cap + 1 bytes, to detect a body over the cap) is held until the request ends.
        Assert.Equal(Limit + 1, _budget.BytesOf(TestGatewaySettings.Gold));
        Assert.Equal(Limit + 1, _budget.TotalBytes);
    }

    [Fact]
    public async Task InvokeAsync_ChunkedPastTenantsBufferShare_503BufferFullWithoutCallingNext()
    {
        // Arrange: the tenant may hold 2 KB (a quarter of 8 KB) and already holds 1.5 KB in another upload.
        Assert.True(_budget.TryReserve(TestGatewaySettings.Gold, 1536, _settings.Current.Options.Limits));
        var context = Arrive(new byte[Limit]);
        context.Request.Headers.TransferEncoding = "chunked";

        // Act
        var called = await InvokeAsync(context);

        // Assert
        Assert.False(called);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("close", context.Response.Headers.Connection.ToString());
        Assert.Equal(RequestOutcome.Shed, context.State().Outcome);
        Assert.Equal("https://tenant-gateway.dev/problems/buffer-full", context.ResponseJson().GetProperty("type").GetString());
        Assert.Equal(1536, _budget.BytesOf(TestGatewaySettings.Gold));
    }

    [Fact]
    public async Task InvokeAsync_NoLengthNotChunked_CallsNext()
    {
        // Arrange
        var context = Arrive([]);

        // Act
        var called = await InvokeAsync(context);

        // Assert
        Assert.True(called);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    /// <summary>Runs the stage; true when it called the next stage.</summary>
    private async Task<bool> InvokeAsync(DefaultHttpContext context)
    {
        var called = false;
        await _stage.InvokeAsync(context, _ =>
        {
            called = true;
            return Task.CompletedTask;
        });
        return called;
    }

    private DefaultHttpContext Arrive(byte[] body)
    {
        var context = TestRequests.Arrive(_settings.Current, _time, TestGatewaySettings.Gold);
        context.Request.Method = HttpMethods.Post;
        context.Request.Body = new MemoryStream(body);
        return context;
    }
}
