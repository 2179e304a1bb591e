using Gateway.Tests.Support;
using Gateway.Transforms.Edge;
using Gateway.Transforms.Infrastructure.Audit;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Diagnostics;
using Gateway.Transforms.Infrastructure.Traffic;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Tests.Edge;

public sealed class GatewayEdgeMiddlewareTests : IAsyncLifetime
{

    private readonly FakeTimeProvider _time = new();
    private readonly TestGatewaySettings _settings = new(o => o.Tenants[TestGatewaySettings.Silver].AuditCacheAccess = true);
    private readonly TestMeters _meters = new();
    private readonly RecordingAuditSink _sink = new();
    private readonly TenantTraffic _traffic;
    private readonly AuditTrail _audit;

    public GatewayEdgeMiddlewareTests()
    {
        _traffic = new TenantTraffic(_settings, _time);
        _audit = new AuditTrail(_sink, _time, _meters.Factory);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _audit.DisposeAsync();
        _meters.Dispose();
    }

    [Fact]
    public async Task InvokeAsync_ConfiguredTenantServed_CountedInItsTrafficWindow()
    {
        // Arrange
        var context = new DefaultHttpContext();

        // Act: a cache hit of 40 ms.
        await Edge(c =>
        {
            var request = Proxied(c, TestGatewaySettings.Gold);
            request.CacheResult = CacheResult.Hit;
            request.Outcome = RequestOutcome.CacheHit;
            _time.Advance(TimeSpan.FromMilliseconds(40));
            return Task.CompletedTask;
        }).InvokeAsync(context);

        // Assert
        var seen = _traffic.Snapshot(TestGatewaySettings.Gold).History;
        Assert.Equal((1, 1, 0, 1), (seen.Requests, seen.Hits, seen.Misses, seen.WithinSla));
        Assert.InRange(seen.P95Seconds!.Value, 0.04 / LatencyBins.Step, 0.04 * LatencyBins.Step);
        Assert.Equal(0, _traffic.Snapshot(TestGatewaySettings.Silver).History.Requests);
    }

    [Fact]
    public async Task InvokeAsync_TenantUnderCacheAudit_LookupRecorded()
    {
        // Arrange
        var context = new DefaultHttpContext();

        // Act
        await Edge(c =>
        {
            var request = Proxied(c, TestGatewaySettings.Silver);
            request.CacheKeyHash = "ab12";
            request.CacheResult = CacheResult.Miss;
            return Task.CompletedTask;
        }).InvokeAsync(context);
        await _audit.DisposeAsync();

        // Assert
        var recorded = Assert.Single(_sink.Events);
        Assert.Equal(("cache.access", TestGatewaySettings.Silver, "user"), (recorded.Action, recorded.TargetTenant, recorded.Actor!.Subject));
        Assert.Equal("miss", recorded.Parameters!["lookup"]);
        Assert.Equal("ab12", recorded.Parameters["key_hash"]);
        Assert.Equal(TestRequests.Route, recorded.Parameters["route"]);
    }

    [Fact]
    public async Task InvokeAsync_TenantNotUnderCacheAudit_NothingRecorded()
    {
        // Arrange
        var context = new DefaultHttpContext();

        // Act
        await Edge(c =>
        {
            var request = Proxied(c, TestGatewaySettings.Gold);
            request.CacheKeyHash = "ab12";
            request.CacheResult = CacheResult.Hit;
            return Task.CompletedTask;
        }).InvokeAsync(context);
        await _audit.DisposeAsync();

        // Assert
        Assert.Empty(_sink.Events);
    }

    [Fact]
    public async Task InvokeAsync_ForgedGatewayHeaders_RemovedBeforeTheNextMiddleware()
    {
        // Arrange
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Tenant-Id"] = "tenant-a";
        context.Request.Headers["x_tenant_tier"] = "platinum";
        context.Request.Headers["X-Cache"] = "HIT";
        context.Request.Headers["Accept"] = "application/json";
        IHeaderDictionary? seen = null;

        // Act
        await Edge(c =>
        {
            seen = c.Request.Headers;
            return Task.CompletedTask;
        }).InvokeAsync(context);

        // Assert
        Assert.Equal(["Accept"], seen!.Keys);
    }

    [Fact]
    public async Task InvokeAsync_AnyRequest_StatePinnedWithArrivalTimeAndSettings()
    {
        // Arrange
        var context = new DefaultHttpContext();
        var arrival = _time.GetTimestamp();
        GatewayRequest? state = null;

        // Act
        await Edge(c =>
        {
            state = c.Features.Get<GatewayRequest>();
            _settings.Reload(o => o.Tiers["gold"].TimeoutMs = 900);
            return Task.CompletedTask;
        }).InvokeAsync(context);

        // Assert: the request keeps the snapshot it arrived with.
        Assert.Equal(arrival, state!.ArrivalTimestamp);
        Assert.Equal(TimeSpan.FromMilliseconds(500), state.Settings.Table.Tiers["gold"].Timeout);
        Assert.Same(state, context.Features.Get<GatewayRequest>());
    }

    [Fact]
    public async Task InvokeAsync_ProxiedWithinBudget_CountedOkAndWithinSla()
    {
        // Arrange
        using var requests = Collect<long>("gateway.requests");
        using var sla = Collect<long>("gateway.sla.requests");
        using var duration = Collect<double>("gateway.request.duration");

        // Act: gold has 500 ms.
        await Edge(c =>
        {
            Proxied(c, TestGatewaySettings.Gold);
            _time.Advance(TimeSpan.FromMilliseconds(120));
            return Task.CompletedTask;
        }).InvokeAsync(new DefaultHttpContext());

        // Assert
        var request = Assert.Single(requests.GetMeasurementSnapshot());
        Assert.Equal("ok", request.Tags["outcome"]);
        Assert.Equal(TestGatewaySettings.Gold, request.Tags["tenant"]);
        Assert.Equal("gold", request.Tags["tier"]);
        Assert.Equal(TestRequests.Route, request.Tags["route"]);
        Assert.Equal("within", Assert.Single(sla.GetMeasurementSnapshot()).Tags["result"]);
        Assert.Equal(0.12, Assert.Single(duration.GetMeasurementSnapshot()).Value, 3);
    }

    [Fact]
    public async Task InvokeAsync_ProxiedPastBudget_CountedOverSla()
    {
        // Arrange
        using var sla = Collect<long>("gateway.sla.requests");

        // Act
        await Edge(c =>
        {
            Proxied(c, TestGatewaySettings.Platinum);
            _time.Advance(TimeSpan.FromMilliseconds(201));
            return Task.CompletedTask;
        }).InvokeAsync(new DefaultHttpContext());

        // Assert
        Assert.Equal("over", Assert.Single(sla.GetMeasurementSnapshot()).Tags["result"]);
    }

    [Fact]
    public async Task InvokeAsync_NotProxied_RecordsNothing()
    {
        // Arrange: /healthz, /metrics and admin calls never get a route id.
        using var requests = Collect<long>("gateway.requests");

        // Act
        await Edge(_ => Task.CompletedTask).InvokeAsync(new DefaultHttpContext());

        // Assert
        Assert.Empty(requests.GetMeasurementSnapshot());
    }

    [Theory]
    [InlineData(nameof(RequestOutcome.Throttled), nameof(ThrottleDecision.RateLimit), "rate_limit")]
    [InlineData(nameof(RequestOutcome.Throttled), nameof(ThrottleDecision.AutoThrottle), "auto_throttle")]
    [InlineData(nameof(RequestOutcome.Shed), nameof(ThrottleDecision.Admitted), "shed")]
    public async Task InvokeAsync_RefusedForLoad_RejectionCountedWithReason(string outcome, string decision, string reason)
    {
        // Arrange
        using var rejections = Collect<long>("gateway.throttle.rejections");

        // Act
        await Edge(c =>
        {
            var request = Proxied(c, TestGatewaySettings.Silver);
            request.ThrottleDecision = Enum.Parse<ThrottleDecision>(decision);
            request.Outcome = Enum.Parse<RequestOutcome>(outcome);
            return Task.CompletedTask;
        }).InvokeAsync(new DefaultHttpContext());

        // Assert
        var rejection = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal(reason, rejection.Tags["reason"]);
        Assert.Equal("silver", rejection.Tags["tier"]);
    }

    [Fact]
    public async Task InvokeAsync_Admitted_NoRejectionCounted()
    {
        // Arrange
        using var rejections = Collect<long>("gateway.throttle.rejections");

        // Act
        await Edge(c =>
        {
            Proxied(c, TestGatewaySettings.Silver).ThrottleDecision = ThrottleDecision.Admitted;
            return Task.CompletedTask;
        }).InvokeAsync(new DefaultHttpContext());

        // Assert
        Assert.Empty(rejections.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task InvokeAsync_ForwarderFailedBeforeResponse_502ProblemAndUpstreamErrorOutcome()
    {
        // Arrange
        using var requests = Collect<long>("gateway.requests");
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        // Act: YARP sets a bare 502 and its error feature instead of throwing.
        await Edge(c =>
        {
            Proxied(c, TestGatewaySettings.Gold);
            c.Response.StatusCode = StatusCodes.Status502BadGateway;
            c.Features.Set<IForwarderErrorFeature>(new ForwarderFailure(ForwarderError.Request));
            return Task.CompletedTask;
        }).InvokeAsync(context);

        // Assert
        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
        var problem = context.ResponseJson();
        Assert.Equal("https://tenant-gateway.dev/problems/upstream-error", problem.GetProperty("type").GetString());
        Assert.Equal(TestGatewaySettings.Gold, problem.GetProperty("tenant").GetString());
        Assert.Equal("gold", problem.GetProperty("tier").GetString());
        Assert.Equal(RequestOutcome.UpstreamError, context.State().Outcome);
        Assert.Equal("upstream_error", Assert.Single(requests.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task InvokeAsync_UpstreamAnswered5xx_CountedAsUpstreamErrorBodyUntouched()
    {
        // Arrange
        using var requests = Collect<long>("gateway.requests");
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        // Act
        await Edge(c =>
        {
            Proxied(c, TestGatewaySettings.Gold);
            c.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }).InvokeAsync(context);

        // Assert
        Assert.Equal(0, context.Response.Body.Length);
        Assert.Equal("upstream_error", Assert.Single(requests.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    private GatewayEdgeMiddleware Edge(RequestDelegate next) =>
        new(next, _settings, _time, new EdgeMetrics(_meters.Factory), _traffic, _audit, NullLogger<GatewayEdgeMiddleware>.Instance);

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(_meters.Factory, GatewayMeter.Name, instrument);

    /// <summary>What tenant resolution does for a proxied request: the route id and the verified tenant.</summary>
    private static GatewayRequest Proxied(HttpContext context, string tenantId)
    {
        var request = context.State();
        request.RouteId = TestRequests.Route;
        Assert.True(request.Settings.Table.TryResolve(tenantId, out var tenant));
        request.SetTenant(tenant, "user");
        return request;
    }

    private sealed class ForwarderFailure(ForwarderError error) : IForwarderErrorFeature
    {
        public ForwarderError Error => error;

        public Exception? Exception => null;
    }
}
