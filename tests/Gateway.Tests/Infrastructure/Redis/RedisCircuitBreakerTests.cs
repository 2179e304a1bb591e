using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Infrastructure.Redis;

public sealed class RedisCircuitBreakerTests
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new();
    private readonly List<bool> _changes = [];

    [Fact]
    public void TryAcquire_NoFailures_Allowed()
    {
        // Arrange
        var breaker = Create();

        // Act / Assert
        Assert.True(breaker.TryAcquire());
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public void RecordFailure_OneBelowThreshold_StaysClosed()
    {
        // Arrange
        var breaker = Create();

        // Act
        Fail(breaker, 2);

        // Assert
        Assert.False(breaker.IsOpen);
        Assert.True(breaker.TryAcquire());
        Assert.Empty(_changes);
    }

    [Fact]
    public void RecordFailure_ThresholdReached_OpensOnceAndSkipsCalls()
    {
        // Arrange
        var breaker = Create();

        // Act
        Fail(breaker, 5);

        // Assert: opened once, however many failures follow.
        Assert.True(breaker.IsOpen);
        Assert.False(breaker.TryAcquire());
        Assert.Equal([true], _changes);
    }

    [Fact]
    public void RecordSuccess_BetweenFailures_StartsTheCountAgain()
    {
        // Arrange
        var breaker = Create();
        Fail(breaker, 2);

        // Act
        breaker.RecordSuccess();
        Fail(breaker, 2);

        // Assert
        Assert.False(breaker.IsOpen);
        Assert.Empty(_changes);
    }

    [Fact]
    public void TryAcquire_OpenUntilCooldownEnds_ThenExactlyOneProbe()
    {
        // Arrange
        var breaker = Create();
        Fail(breaker, 3);

        // Act
        _time.Advance(Cooldown - TimeSpan.FromMilliseconds(1));
        var beforeCooldown = breaker.TryAcquire();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var probe = breaker.TryAcquire();
        var secondWhileProbing = breaker.TryAcquire();

        // Assert
        Assert.False(beforeCooldown);
        Assert.True(probe);
        Assert.False(secondWhileProbing);
        Assert.True(breaker.IsOpen);
    }

    [Fact]
    public void RecordSuccess_ProbeSucceeds_ClosesAndReportsIt()
    {
        // Arrange
        var breaker = Create();
        Fail(breaker, 3);
        _time.Advance(Cooldown);
        Assert.True(breaker.TryAcquire());

        // Act
        breaker.RecordSuccess();

        // Assert
        Assert.False(breaker.IsOpen);
        Assert.True(breaker.TryAcquire());
        Assert.Equal([true, false], _changes);
    }

    [Fact]
    public void RecordFailure_ProbeFails_OpenForAnotherFullCooldown()
    {
        // Arrange
        var breaker = Create();
        Fail(breaker, 3);
        _time.Advance(Cooldown);
        Assert.True(breaker.TryAcquire());

        // Act
        breaker.RecordFailure();
        _time.Advance(Cooldown - TimeSpan.FromMilliseconds(1));
        var beforeSecondCooldown = breaker.TryAcquire();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var nextProbe = breaker.TryAcquire();

        // Assert: still the one opening, no second event.
        Assert.False(beforeSecondCooldown);
        Assert.True(nextProbe);
        Assert.Equal([true], _changes);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(3, 0)]
    public void Constructor_ThresholdOrCooldownNotPositive_Throws(int threshold, int cooldownMs) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedisCircuitBreaker(threshold, TimeSpan.FromMilliseconds(cooldownMs), _time));

    private RedisCircuitBreaker Create()
    {
        var breaker = new RedisCircuitBreaker(3, Cooldown, _time);
        breaker.StateChanged += _changes.Add;
        return breaker;
    }

    private static void Fail(RedisCircuitBreaker breaker, int times)
    {
        for (var i = 0; i < times; i++)
        {
            breaker.RecordFailure();
        }
    }
}
