using Gateway.Transforms.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Throttling;

public sealed class LocalRateLimitersTests
{
    [Fact]
    public void Acquire_BurstExhausted_RefusesWithRetryAfterOfOneInterval()
    {
        // Arrange: 1 request per second, bucket of 3, all requests at one instant.
        var limiters = new LocalRateLimiters(new FakeTimeProvider());
        var policy = new RateLimitPolicy(1, 3);

        // Act
        var decisions = Enumerable.Range(0, 4).Select(_ => limiters.Acquire("t", policy, RateLimitSource.Embedded)).ToList();

        // Assert
        Assert.Equal([true, true, true, false], decisions.Select(d => d.Allowed));
        Assert.Equal([2L, 1L, 0L, 0L], decisions.Select(d => d.Remaining));
        Assert.Equal(TimeSpan.FromSeconds(1), decisions[3].RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(3), decisions[3].ResetAfter);
        Assert.All(decisions, d => Assert.Equal(RateLimitSource.Embedded, d.Source));
    }

    [Fact]
    public async Task Acquire_AfterSeveralIntervals_AdmitsAgain()
    {
        // Arrange: 20 per second, bucket of 1.
        var limiters = new LocalRateLimiters();
        var policy = new RateLimitPolicy(20, 1);
        Assert.True(limiters.Acquire("t", policy, RateLimitSource.Fallback).Allowed);
        Assert.False(limiters.Acquire("t", policy, RateLimitSource.Fallback).Allowed);

        // Act: three intervals is plenty even on a slow machine.
        await Task.Delay(TimeSpan.FromMilliseconds(150));
        var again = limiters.Acquire("t", policy, RateLimitSource.Fallback);

        // Assert
        Assert.True(again.Allowed);
    }

    [Fact]
    public void Acquire_TwiceTheRateForTenSeconds_AdmitsRateTimesDurationPlusBurst()
    {
        // Arrange: 50 req/s, burst 5, requests every 10 ms (100 req/s).
        var time = new FakeTimeProvider();
        var limiters = new LocalRateLimiters(time);
        var policy = new RateLimitPolicy(50, 5);

        // Act
        var admitted = 0;
        for (var i = 0; i < 1000; i++)
        {
            admitted += limiters.Acquire("t", policy, RateLimitSource.Embedded).Allowed ? 1 : 0;
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // Assert: 50 x 9.99 s + 5, exactly (GCRA on a test clock).
        Assert.Equal(504, admitted);
    }

    [Fact]
    public void Acquire_PolicyChanged_RebuildsBucketWithNewFigures()
    {
        // Arrange
        var limiters = new LocalRateLimiters();
        var old = new RateLimitPolicy(1, 1);
        Assert.True(limiters.Acquire("t", old, RateLimitSource.Embedded).Allowed);
        Assert.False(limiters.Acquire("t", old, RateLimitSource.Embedded).Allowed);

        // Act: a reload raised the limit.
        var raised = new RateLimitPolicy(100, 5);
        var decision = limiters.Acquire("t", raised, RateLimitSource.Embedded);

        // Assert
        Assert.True(decision.Allowed);
        Assert.Equal(raised, decision.Policy);
        Assert.Equal(4, decision.Remaining);
    }

    [Fact]
    public void Acquire_TwoTenants_HaveSeparateBuckets()
    {
        // Arrange
        var limiters = new LocalRateLimiters();
        var policy = new RateLimitPolicy(1, 1);
        Assert.True(limiters.Acquire("a", policy, RateLimitSource.Embedded).Allowed);

        // Act
        var other = limiters.Acquire("b", policy, RateLimitSource.Embedded);

        // Assert
        Assert.True(other.Allowed);
        Assert.False(limiters.Acquire("a", policy, RateLimitSource.Embedded).Allowed);
    }

    [Fact]
    public void Retain_TenantRemoved_DropsItsBucket()
    {
        // Arrange
        var limiters = new LocalRateLimiters();
        limiters.Acquire("kept", new RateLimitPolicy(1, 1), RateLimitSource.Embedded);
        limiters.Acquire("gone", new RateLimitPolicy(1, 1), RateLimitSource.Embedded);

        // Act
        limiters.Retain(id => id == "kept");

        // Assert
        Assert.Equal(1, limiters.Count);
    }
}
