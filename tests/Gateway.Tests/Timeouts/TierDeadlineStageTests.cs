using System.Text.Json;
using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Timeouts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Timeouts;

public sealed class TierDeadlineStageTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly TierDeadlineStage _stage;

    public TierDeadlineStageTests()
    {
        _stage = new TierDeadlineStage(_time, NullLogger<TierDeadlineStage>.Instance);
    }

    [Fact]
    public async Task InvokeAsync_UpstreamHangs_504ExactlyAtPlatinumBudget()
    {
        // Arrange
        var (context, _) = Arrive("tenant-a");
        var invocation = _stage.InvokeAsync(context, _ => Task.Delay(Timeout.Infinite, context.RequestAborted));

        // Act
        _time.Advance(TimeSpan.FromMilliseconds(199));
        var beforeBudget = invocation.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await invocation.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.False(beforeBudget);
        Assert.Equal(StatusCodes.Status504GatewayTimeout, context.Response.StatusCode);
        using var body = JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray());
        Assert.Equal("https://tenant-gateway.dev/problems/tier-timeout", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("tenant-a", body.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("platinum", body.RootElement.GetProperty("tier").GetString());
        Assert.Equal(200, body.RootElement.GetProperty("budget_ms").GetInt32());
    }

    [Fact]
    public async Task InvokeAsync_TimeSpentBeforeTheStage_CountsAgainstTheBudget()
    {
        // Arrange: the request arrived 150 ms ago (authentication, queueing); gold has 500 ms in all.
        var (context, request) = Arrive("tenant-b");
        _time.Advance(TimeSpan.FromMilliseconds(150));
        var invocation = _stage.InvokeAsync(context, _ => Task.Delay(Timeout.Infinite, context.RequestAborted));

        // Act
        _time.Advance(TimeSpan.FromMilliseconds(349));
        var beforeBudget = invocation.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await invocation.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.False(beforeBudget);
        Assert.Equal(StatusCodes.Status504GatewayTimeout, context.Response.StatusCode);
        Assert.Equal(RequestOutcome.Timeout, request.Outcome);
    }

    [Fact]
    public async Task InvokeAsync_BudgetAlreadySpent_504WithoutCallingNext()
    {
        // Arrange
        var (context, _) = Arrive("tenant-a");
        _time.Advance(TimeSpan.FromMilliseconds(250));
        var nextCalled = false;

        // Act
        await _stage.InvokeAsync(context, _ =>
        {
            nextCalled = true;
            return Task.CompletedTask;
        });

        // Assert
        Assert.False(nextCalled);
        Assert.Equal(StatusCodes.Status504GatewayTimeout, context.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_UpstreamWithinBudget_ResponseUntouchedAndAbortTokenRestored()
    {
        // Arrange
        var (context, request) = Arrive("tenant-s");
        CancellationToken seenByNext = default;

        // Act
        await _stage.InvokeAsync(context, _ =>
        {
            seenByNext = context.RequestAborted;
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });

        // Assert
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.True(seenByNext.CanBeCanceled);
        Assert.Equal(request.ClientAborted, context.RequestAborted);
        Assert.Equal(0, context.Response.Body.Length);
    }

    private (DefaultHttpContext Context, GatewayRequest Request) Arrive(string tenant)
    {
        var context = TestRequests.Arrive(new TestGatewaySettings().Current, _time, tenant, subject: null);
        return (context, context.State());
    }
}
