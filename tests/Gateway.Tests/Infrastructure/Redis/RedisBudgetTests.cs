using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Infrastructure.Redis;

public sealed class RedisBudgetTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(20);

    private readonly TimerCountingTime _time = new();

    [Fact]
    public async Task WaitAsync_ReplyWithinBudget_ReturnsIt()
    {
        // Arrange
        var reply = new TaskCompletionSource<string>();
        var waiting = RedisBudget.WaitAsync(reply.Task, Budget, _time, default);

        // Act
        _time.Advance(TimeSpan.FromMilliseconds(19));
        reply.SetResult("pong");

        // Assert
        Assert.Equal("pong", await waiting);
    }

    [Fact]
    public async Task WaitAsync_NoReplyAndTheTimerOnTime_TimesOutAtTheBudget()
    {
        // Arrange: Redis is slow; the gateway is not.
        var reply = new TaskCompletionSource<string>();
        var waiting = RedisBudget.WaitAsync(reply.Task, Budget, _time, default);

        // Act
        _time.Advance(Budget);

        // Assert
        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
    }

    [Fact]
    public async Task WaitAsync_TimerFiredLongAfterTheBudget_GivesTheReplyOneMoreBudget()
    {
        // Arrange: the gateway's threads were starved for 60 ms; the timer only ran at the end of it.
        var reply = new TaskCompletionSource<string>();
        var waiting = RedisBudget.WaitAsync(reply.Task, Budget, _time, default);

        // Act
        _time.Advance(TimeSpan.FromMilliseconds(60));
        var stillWaiting = !waiting.IsCompleted;
        reply.SetResult("pong");

        // Assert
        Assert.True(stillWaiting);
        Assert.Equal("pong", await waiting);
    }

    [Fact]
    public async Task WaitAsync_StalledThenStillNoReply_TimesOutAfterTheSecondBudget()
    {
        // Arrange
        var reply = new TaskCompletionSource<string>();
        var waiting = RedisBudget.WaitAsync(reply.Task, Budget, _time, default);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        await _time.TimersCreatedAsync(2);

        // Act
        _time.Advance(Budget);

        // Assert
        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
    }

    /// <summary>Counts the timers created, so a test advances time only once the second wait has set its timer.</summary>
    private sealed class TimerCountingTime : FakeTimeProvider
    {
        private int _created;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _created);
            return timer;
        }

        public async Task TimersCreatedAsync(int count)
        {
            // The continuation after the first expiry runs on the thread pool; give it up to ten seconds of real time.
            for (var i = 0; i < 1000 && Volatile.Read(ref _created) < count; i++)
            {
                await Task.Delay(10);
            }

            Assert.True(Volatile.Read(ref _created) >= count, $"only {_created} timers created");
        }
    }
}
