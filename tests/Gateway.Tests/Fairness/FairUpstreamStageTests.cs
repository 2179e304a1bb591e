using Gateway.Tests.Support;
using Gateway.Transforms.Fairness;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Fairness;

public sealed class FairUpstreamStageTests : IDisposable
{
    private readonly TestMeters _meters = new();
    private const string Cluster = TestRequests.Cluster;

    private readonly FakeTimeProvider _time = new();
    private readonly TestGatewaySettings _settings = new(o =>
    {
        o.Fairness.MaxInFlight = 1;
        o.Fairness.MaxQueuePerTenant = 1;
    });

    [Fact]
    public async Task InvokeAsync_NextThrows_ReleasesTheSlot()
    {
        // Arrange
        var (stage, registry) = CreateStage();

        // Act
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            stage.InvokeAsync(CreateContext(TestGatewaySettings.Gold), _ => throw new InvalidOperationException("upstream blew up")));

        // Assert
        Assert.Equal(0, registry.InFlight(Cluster));
    }

    [Fact]
    public async Task InvokeAsync_Saturated_WaitsThenRunsWhenSlotFrees()
    {
        // Arrange
        var (stage, registry) = CreateStage();
        var release = new TaskCompletionSource();
        var first = stage.InvokeAsync(CreateContext(TestGatewaySettings.Gold), _ => release.Task);
        var secondRan = false;

        // Act
        var second = stage.InvokeAsync(CreateContext(TestGatewaySettings.Silver), _ =>
        {
            secondRan = true;
            return Task.CompletedTask;
        });
        var queuedWhileBusy = registry.Queued(Cluster);
        release.SetResult();
        await first;
        await second.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.Equal(1, queuedWhileBusy);
        Assert.True(secondRan);
        Assert.Equal(0, registry.InFlight(Cluster));
    }

    [Fact]
    public async Task InvokeAsync_LaneFull_Answers503WithRetryAfter()
    {
        // Arrange: the slot is busy and gold already has its one allowed waiter.
        var (stage, _) = CreateStage();
        var release = new TaskCompletionSource();
        var busy = stage.InvokeAsync(CreateContext(TestGatewaySettings.Gold), _ => release.Task);
        var waiting = stage.InvokeAsync(CreateContext(TestGatewaySettings.Gold), _ => Task.CompletedTask);
        var context = CreateContext(TestGatewaySettings.Gold);
        var ran = false;

        // Act
        await stage.InvokeAsync(context, _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });
        release.SetResult();
        await Task.WhenAll(busy, waiting).WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.False(ran);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal(RequestOutcome.Shed, context.State().Outcome);
        Assert.Equal(ThrottleDecision.None, context.State().ThrottleDecision);
        var problem = context.ResponseJson();
        Assert.Equal("queue_full", problem.GetProperty("reason").GetString());
        Assert.Equal(TestGatewaySettings.Gold, problem.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task InvokeAsync_QueuedPastLatestDispatchTime_Answers503BeforeDeadline()
    {
        // Arrange: gold has a 500 ms budget; the slot stays busy.
        _settings.Reload(o =>
        {
            o.Fairness.MaxInFlight = 1;
            o.Fairness.ShedMarginMs = 10;
        });
        var (stage, registry) = CreateStage();
        var release = new TaskCompletionSource();
        var busy = stage.InvokeAsync(CreateContext(TestGatewaySettings.Silver), _ => release.Task);
        var context = CreateContext(TestGatewaySettings.Gold);
        var waiting = stage.InvokeAsync(context, _ => Task.CompletedTask);

        // Act: no service-time sample yet, so it may wait until deadline − margin.
        _time.Advance(TimeSpan.FromMilliseconds(489));
        var stillQueued = registry.Queued(Cluster);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        release.SetResult();
        await busy;

        // Assert
        Assert.Equal(1, stillQueued);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("deadline", context.ResponseJson().GetProperty("reason").GetString());
        Assert.Equal(0, registry.Queued(Cluster));
    }

    [Fact]
    public async Task InvokeAsync_FairnessDisabled_PassesStraightThrough()
    {
        // Arrange
        _settings.Reload(o =>
        {
            o.Fairness.Enabled = false;
            o.Fairness.MaxInFlight = 1;
        });
        var (stage, registry) = CreateStage();
        var release = new TaskCompletionSource();
        var busy = stage.InvokeAsync(CreateContext(TestGatewaySettings.Gold), _ => release.Task);
        var ran = false;

        // Act
        await stage.InvokeAsync(CreateContext(TestGatewaySettings.Gold), _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });
        release.SetResult();
        await busy;

        // Assert
        Assert.True(ran);
        Assert.Equal(0, registry.InFlight(Cluster));
    }

    public void Dispose() => _meters.Dispose();

    private (FairUpstreamStage Stage, FairQueueRegistry Registry) CreateStage()
    {
        var metrics = new FairnessMetrics(_meters.Factory);
        var autoThrottle = new AutoThrottleController(_settings, _time, NullLogger<AutoThrottleController>.Instance);
        var registry = new FairQueueRegistry(_time, metrics, autoThrottle);
        return (new FairUpstreamStage(registry, metrics, _time, NullLogger<FairUpstreamStage>.Instance), registry);
    }

    private DefaultHttpContext CreateContext(string tenantId) => TestRequests.Arrive(_settings.Current, _time, tenantId);
}
