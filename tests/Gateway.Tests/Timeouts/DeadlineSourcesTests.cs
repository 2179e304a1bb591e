using Gateway.Transforms.Timeouts;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Timeouts;

/// <summary>
/// The pool of deadline sources. Reuse is only possible on the system clock (a source on any other
/// <see cref="TimeProvider"/> cannot be reset), so the reuse tests run on it, with deadlines far from the test's timing.
/// </summary>
public sealed class DeadlineSourcesTests
{
    [Fact]
    public async Task Rent_AfterAReturnThatDidNotFire_ReusesTheSourceArmedWithTheNewDelay()
    {
        // Arrange: a deadline an hour away is returned unfired.
        var sources = new DeadlineSources(TimeProvider.System);
        var first = sources.Rent(TimeSpan.FromHours(1));
        sources.Return(first);

        // Act
        var second = sources.Rent(TimeSpan.FromMilliseconds(20));
        await Task.Delay(Timeout.Infinite, second.Token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10));

        // Assert: the same source, now firing on the new delay.
        Assert.Same(first, second);
        Assert.True(second.IsCancellationRequested);
    }

    [Fact]
    public async Task Return_RegistrationOfTheLastRequest_DoesNotFireForTheNext()
    {
        // Arrange: something of the first request still listens on its token.
        var sources = new DeadlineSources(TimeProvider.System);
        var first = sources.Rent(TimeSpan.FromHours(1));
        var heard = false;
        first.Token.Register(() => heard = true);
        sources.Return(first);

        // Act
        var second = sources.Rent(TimeSpan.FromMilliseconds(20));
        await Task.Delay(Timeout.Infinite, second.Token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Same(first, second);
        Assert.False(heard);
    }

    [Fact]
    public void Rent_AfterAReturnThatFired_GivesAFreshSource()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var sources = new DeadlineSources(time);
        var fired = sources.Rent(TimeSpan.FromMilliseconds(100));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(fired.IsCancellationRequested);
        sources.Return(fired);

        // Act
        var next = sources.Rent(TimeSpan.FromMilliseconds(100));

        // Assert
        Assert.NotSame(fired, next);
        Assert.False(next.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(next.IsCancellationRequested);
    }
}
