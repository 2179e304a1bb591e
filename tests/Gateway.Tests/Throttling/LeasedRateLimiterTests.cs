using System.Globalization;
using Gateway.Transforms.Throttling;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Gateway.Tests.Throttling;

public sealed class LeasedRateLimiterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(20);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task TryAcquireAsync_FarBelowLimit_LeasesGrowAndFewDecisionsNeedACall()
    {
        // Arrange: 10,000 req/s with a burst of 1,000; this node sends 1,000 req/s.
        var shared = new SimulatedGcra(_time);
        var limiter = Create(shared);
        var policy = new RateLimitPolicy(10_000, 1_000);

        // Act: two seconds at one request per millisecond.
        var admitted = 0;
        for (var i = 0; i < 2000; i++)
        {
            admitted += (await limiter.TryAcquireAsync("t", policy, Budget, default))!.Value.Allowed ? 1 : 0;
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // Assert: every request admitted; a lease settles at ~100 ms of traffic (100 requests), so ~20 calls plus the
        // few of the ramp-up (1, 3, 7, ... admissions).
        output.WriteLine($"{shared.Calls} calls for {admitted} admissions");
        Assert.Equal(2000, admitted);
        Assert.InRange(shared.Calls, 10, 60);
    }

    [Fact]
    public async Task TryAcquireAsync_AfterRefusal_RefusesLocallyUntilTheRetryTimeWithoutACall()
    {
        // Arrange: 2 req/s, burst 1: admitted, then refused with a retry of 500 ms.
        var shared = new SimulatedGcra(_time);
        var limiter = Create(shared);
        var policy = new RateLimitPolicy(2, 1);
        Assert.True((await limiter.TryAcquireAsync("t", policy, Budget, default))!.Value.Allowed);
        var first = (await limiter.TryAcquireAsync("t", policy, Budget, default))!.Value;
        var callsAfterFirstRefusal = shared.Calls;

        // Act: a hundred refused requests over the next 495 ms, then one after the retry time.
        var refusals = new List<RateLimitDecision>();
        for (var i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(4.95));
            refusals.Add((await limiter.TryAcquireAsync("t", policy, Budget, default))!.Value);
        }

        _time.Advance(TimeSpan.FromMilliseconds(10));
        var reopened = (await limiter.TryAcquireAsync("t", policy, Budget, default))!.Value;

        // Assert
        Assert.False(first.Allowed);
        Assert.Equal(TimeSpan.FromMilliseconds(500), first.RetryAfter);
        Assert.Equal(2, callsAfterFirstRefusal);
        Assert.All(refusals, r => Assert.False(r.Allowed));
        Assert.Equal(TimeSpan.FromMilliseconds(5), refusals[^1].RetryAfter);
        Assert.True(refusals.Zip(refusals.Skip(1)).All(p => p.Second.RetryAfter < p.First.RetryAfter), "the retry time counts down");
        Assert.True(reopened.Allowed);
        Assert.Equal(3, shared.Calls);
    }

    [Fact]
    public async Task TryAcquireAsync_PolicyChangedDuringRefusal_AsksRedisAgain()
    {
        // Arrange: refused under 1 req/s, burst 1.
        var shared = new SimulatedGcra(_time);
        var limiter = Create(shared);
        await limiter.TryAcquireAsync("t", new RateLimitPolicy(1, 1), Budget, default);
        Assert.False((await limiter.TryAcquireAsync("t", new RateLimitPolicy(1, 1), Budget, default))!.Value.Allowed);

        // Act: a reload (or a burst grant) raises the burst to 10.
        var raised = (await limiter.TryAcquireAsync("t", new RateLimitPolicy(1, 10), Budget, default))!.Value;

        // Assert
        Assert.True(raised.Allowed);
        Assert.Equal(3, shared.Calls);
    }

    [Fact]
    public async Task TryAcquireAsync_LeaseUnusedForLongerThanItsLifetime_Lapses()
    {
        // Arrange: a lease is taken by a run of requests.
        var shared = new SimulatedGcra(_time);
        var limiter = Create(shared);
        var policy = new RateLimitPolicy(100_000, 10_000);
        for (var i = 0; i < 50; i++)
        {
            await limiter.TryAcquireAsync("t", policy, Budget, default);
            _time.Advance(TimeSpan.FromMicroseconds(100));
        }

        var calls = shared.Calls;
        Assert.True(await limiter.TryAcquireAsync("t", policy, Budget, default) is { Allowed: true });
        Assert.Equal(calls, shared.Calls);

        // Act
        _time.Advance(LeasedRateLimiter.LeaseLifetime);
        var afterLapse = await limiter.TryAcquireAsync("t", policy, Budget, default);

        // Assert
        Assert.True(afterLapse is { Allowed: true });
        Assert.Equal(calls + 1, shared.Calls);
    }

    [Fact]
    public async Task TryAcquireAsync_RedisUnreachable_ReturnsNull()
    {
        // Arrange
        var shared = new SimulatedGcra(_time) { Down = true };
        var limiter = Create(shared);

        // Act
        var decision = await limiter.TryAcquireAsync("t", new RateLimitPolicy(10, 1), Budget, default);

        // Assert
        Assert.Null(decision);
    }

    [Fact]
    public async Task TryAcquireAsync_TwoIdsSameNode_KeepSeparateLeasesAndRefusals()
    {
        // Arrange: a is refused.
        var shared = new SimulatedGcra(_time);
        var limiter = Create(shared);
        var policy = new RateLimitPolicy(1, 1);
        await limiter.TryAcquireAsync("a", policy, Budget, default);
        Assert.False((await limiter.TryAcquireAsync("a", policy, Budget, default))!.Value.Allowed);

        // Act
        var b = (await limiter.TryAcquireAsync("b", policy, Budget, default))!.Value;

        // Assert
        Assert.True(b.Allowed);
    }

    [Theory]
    [InlineData(50, 5, 2)]
    [InlineData(200, 200, 2)]
    [InlineData(1000, 100, 3)]
    [InlineData(100_000, 10_000, 2)]
    public async Task TryAcquireAsync_NodesSharingALimitAtTwiceIt_AdmitWithinFivePercentOfTheLimit(int rate, int burst, int nodes)
    {
        // Arrange: every node leases from one shared state; requests arrive round robin at twice the limit.
        var shared = new SimulatedGcra(_time);
        var limiters = Enumerable.Range(0, nodes).Select(_ => Create(shared)).ToArray();
        var policy = new RateLimitPolicy(rate, burst);
        var seconds = 4.5;
        var requests = (int)(2 * rate * seconds);
        var gap = TimeSpan.FromSeconds(seconds / requests);

        // Act
        var admitted = 0;
        for (var i = 0; i < requests; i++)
        {
            admitted += (await limiters[i % nodes].TryAcquireAsync("t", policy, Budget, default))!.Value.Allowed ? 1 : 0;
            _time.Advance(gap);
        }

        // Assert: GCRA admits rate x D + burst over a span D.
        var span = gap.TotalSeconds * (requests - 1);
        var expected = (rate * span) + burst;
        var error = (admitted - expected) / expected;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{nodes} nodes, {rate}/s burst {burst}: admitted {admitted}, expected {expected:F1}, error {error:P2}, {shared.Calls} calls for {requests} requests"));
        Assert.InRange(error, -0.05, 0.05);
    }

    private LeasedRateLimiter Create(SimulatedGcra shared) => new(shared, _time, static id => (RedisKey)("ratelimit:{" + id + "}:requests"));
}
