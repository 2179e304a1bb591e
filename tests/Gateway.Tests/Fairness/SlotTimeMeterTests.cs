using Gateway.Transforms.Fairness;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Fairness;

public sealed class SlotTimeMeterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void HeldSeconds_RequestStillInFlight_CountsTimeSoFar()
    {
        // Arrange: a stream took its slot three seconds ago and is still running.
        var meter = new SlotTimeMeter(_time.TimestampFrequency);
        meter.Started(_time.GetTimestamp());

        // Act
        _time.Advance(TimeSpan.FromSeconds(3));
        var held = meter.HeldSeconds(_time.GetTimestamp());

        // Assert
        Assert.Equal(3, held, precision: 6);
    }

    [Fact]
    public void HeldSeconds_FinishedRequests_SumOfHeldTimeDecayingWithTheWindow()
    {
        // Arrange
        var meter = new SlotTimeMeter(_time.TimestampFrequency);
        for (var i = 0; i < 4; i++)
        {
            var started = _time.GetTimestamp();
            meter.Started(started);
            meter.Finished(started, _time.GetTimestamp(), TimeSpan.FromMilliseconds(500));
        }

        // Act
        var now = meter.HeldSeconds(_time.GetTimestamp());
        _time.Advance(SlotTimeMeter.Window);
        var oneWindowLater = meter.HeldSeconds(_time.GetTimestamp());

        // Assert: 2 s held, then e^-1 of it.
        Assert.Equal(2, now, precision: 6);
        Assert.Equal(2 * Math.Exp(-1), oneWindowLater, precision: 6);
    }

    [Fact]
    public void OfferedRate_SteadyArrivals_ApproachesTheRate()
    {
        // Arrange: 20 requests a second for a minute.
        var meter = new SlotTimeMeter(_time.TimestampFrequency);
        for (var i = 0; i < 1200; i++)
        {
            meter.Offered(_time.GetTimestamp());
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        // Act
        var rate = meter.OfferedRate(_time.GetTimestamp());

        // Assert
        Assert.InRange(rate, 19, 21);
    }

    [Fact]
    public void OfferedRate_FirstSecondsOfSteadyArrivals_AlreadyTheRate()
    {
        // Arrange: 20 requests a second for two seconds only.
        var meter = new SlotTimeMeter(_time.TimestampFrequency);
        for (var i = 0; i < 40; i++)
        {
            meter.Offered(_time.GetTimestamp());
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        // Act
        var rate = meter.OfferedRate(_time.GetTimestamp());

        // Assert: not 40 requests spread over the ten-second window (4 req/s).
        Assert.InRange(rate, 18, 22);
    }
}
