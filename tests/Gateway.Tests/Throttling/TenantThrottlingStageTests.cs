using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Contracts;
using Gateway.Transforms.Infrastructure.Redis;
using Gateway.Transforms.Infrastructure.TenantLimits;
using Gateway.Transforms.Throttling;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Throttling;

public sealed class TenantThrottlingStageTests : IDisposable
{
    private readonly TestMeters _meters = new();

    private const string Tenant = TestGatewaySettings.Silver;

    private readonly FakeTimeProvider _time = new();
    private readonly TestGatewaySettings _settings = new(o =>
    {
        // One request a second after a burst of two: a tight test loop cannot earn another token.
        o.Tiers["silver"].MaxQps = 1;
        o.Tiers["silver"].Burst = 2;
    });

    [Fact]
    public async Task InvokeAsync_WithinBurst_CallsNextAndSetsRateLimitHeaders()
    {
        // Arrange
        var (stage, _) = CreateStage();
        var context = CreateContext();
        var called = false;

        // Act
        await stage.InvokeAsync(context, _ =>
        {
            called = true;
            return Task.CompletedTask;
        });

        // Assert
        Assert.True(called);
        Assert.Equal("\"silver\";q=1;w=1", context.Response.Headers["RateLimit-Policy"].ToString());
        Assert.Equal("\"silver\";r=1;t=1", context.Response.Headers["RateLimit"].ToString());
        Assert.Equal(ThrottleDecision.Admitted, context.State().ThrottleDecision);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_OverLimit_Answers429WithConsistentHeadersAndSkipsNext()
    {
        // Arrange
        var (stage, _) = CreateStage();
        await stage.InvokeAsync(CreateContext(), _ => Task.CompletedTask);
        await stage.InvokeAsync(CreateContext(), _ => Task.CompletedTask);
        var context = CreateContext();
        var called = false;

        // Act
        await stage.InvokeAsync(context, _ =>
        {
            called = true;
            return Task.CompletedTask;
        });

        // Assert
        Assert.False(called);
        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.Equal(RequestOutcome.Throttled, context.State().Outcome);
        var retryAfter = context.Response.Headers.RetryAfter.ToString();
        Assert.Equal("1", retryAfter);
        Assert.Equal($"\"silver\";r=0;t={retryAfter}", context.Response.Headers["RateLimit"].ToString());
        var problem = context.ResponseJson();
        Assert.Equal(Tenant, problem.GetProperty("tenant").GetString());
        Assert.Equal("silver", problem.GetProperty("tier").GetString());
        Assert.Equal(1, problem.GetProperty("limit_qps").GetDouble());
        Assert.Equal("rate_limit", problem.GetProperty("reason").GetString());
        Assert.Equal(ThrottleDecision.RateLimit, context.State().ThrottleDecision);
    }

    [Fact]
    public async Task InvokeAsync_AutoThrottled_HalvesLimitAndRefusesWithAutoThrottleReason()
    {
        // Arrange: raise the limit so only the auto-throttle can refuse, then flag the tenant.
        _settings.Reload(o =>
        {
            o.Tiers["silver"].MaxQps = 4;
            o.Tiers["silver"].Burst = 4;
            o.Fairness.AutoThrottleFactor = 0.5;
        });
        var (stage, autoThrottle) = CreateStage();
        autoThrottle.ReportOffense(Tenant, _settings.TierOf(Tenant), slotTimeShare: 0.9, offeredRate: 100);
        var contexts = Enumerable.Range(0, 3).Select(_ => CreateContext()).ToList();

        // Act
        foreach (var context in contexts)
        {
            await stage.InvokeAsync(context, _ => Task.CompletedTask);
        }

        // Assert: burst 4 × 0.5 = 2 admitted, the third refused under the throttle.
        Assert.Equal([200, 200, 429], contexts.Select(c => c.Response.StatusCode));
        Assert.Equal("\"silver\";q=2;w=1", contexts[0].Response.Headers["RateLimit-Policy"].ToString());
        Assert.Equal(ThrottleDecision.AutoThrottle, contexts[2].State().ThrottleDecision);
        Assert.Equal("auto_throttle", contexts[2].ResponseJson().GetProperty("reason").GetString());
    }

    [Fact]
    public async Task InvokeAsync_ThrottlingDisabled_PassesThroughWithoutHeaders()
    {
        // Arrange
        _settings.Reload(o =>
        {
            o.Tiers["silver"].MaxQps = 1;
            o.Tiers["silver"].Burst = 1;
            o.Throttling.Enabled = false;
        });
        var (stage, _) = CreateStage();
        var calls = 0;

        // Act
        for (var i = 0; i < 5; i++)
        {
            await stage.InvokeAsync(CreateContext(), _ =>
            {
                calls++;
                return Task.CompletedTask;
            });
        }

        // Assert
        Assert.Equal(5, calls);
    }

    [Fact]
    public async Task InvokeAsync_AdmissionWaitsOnRedis_StartsLaterStagesPrefetchBeforeTheAnswer()
    {
        // Arrange: the shared limiter's answer is held back, as a round trip would be.
        var redis = new HeldSharedLimiter();
        var prefetch = new RecordingPrefetch();
        var (stage, _) = CreateStage(redis, prefetch);
        var context = CreateContext();

        // Act
        var running = stage.InvokeAsync(context, _ => Task.CompletedTask);
        var startedBeforeAnswer = prefetch.Started;
        redis.Answer(new SharedGrant(1, 0, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        await running;

        // Assert
        Assert.Equal(1, startedBeforeAnswer);
        Assert.Same(context, prefetch.Context);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_AdmissionDecidedWithoutRedis_StartsNoPrefetch()
    {
        // Arrange: the embedded limiter answers at once.
        var prefetch = new RecordingPrefetch();
        var (stage, _) = CreateStage(shared: null, prefetch);

        // Act
        await stage.InvokeAsync(CreateContext(), _ => Task.CompletedTask);

        // Assert
        Assert.Equal(0, prefetch.Started);
    }

    public void Dispose() => _meters.Dispose();

    private (TenantThrottlingStage Stage, AutoThrottleController AutoThrottle) CreateStage(ISharedLimiter? shared = null, IRequestPrefetch? prefetch = null)
    {
        // Without a shared limiter given, no Redis is configured: the embedded single-node limiter decides.
        shared ??= new SharedRateLimiter(
            new RedisGuard(new RedisConnection(_settings, NullLogger<RedisConnection>.Instance), _settings, new RedisMetrics(_meters.Factory), _time, NullLogger<RedisGuard>.Instance),
            _time);
        var limiter = new TenantRateLimiter(shared, new LocalRateLimiters(), new ThrottlingMetrics(_meters.Factory), _time);
        var autoThrottle = new AutoThrottleController(_settings, _time, NullLogger<AutoThrottleController>.Instance);
        var hot = new HotTenantDetector(_settings, _time, NullLogger<HotTenantDetector>.Instance);
        return (new TenantThrottlingStage(limiter, hot, new TenantLimitPolicy(autoThrottle, TestStores.Bursts(_settings, _meters.Factory, _time)), prefetch is null ? [] : [prefetch]), autoThrottle);
    }

    /// <summary>A shared limiter whose answer comes when the test gives it.</summary>
    private sealed class HeldSharedLimiter : ISharedLimiter
    {
        private readonly TaskCompletionSource<SharedGrant?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsConfigured => true;

        public void Answer(SharedGrant grant) => _answer.SetResult(grant);

        public ValueTask<SharedGrant?> TryTakeAsync(StackExchange.Redis.RedisKey key, RateLimitPolicy policy, long want, TimeSpan budget, CancellationToken cancellationToken) =>
            new(_answer.Task);
    }

    private sealed class RecordingPrefetch : IRequestPrefetch
    {
        public int Started { get; private set; }

        public HttpContext? Context { get; private set; }

        public void Start(HttpContext context, GatewayRequest request)
        {
            Started++;
            Context = context;
        }
    }

    private DefaultHttpContext CreateContext() => TestRequests.Arrive(_settings.Current, _time, Tenant);
}
