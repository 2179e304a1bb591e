using Gateway.Transforms.Throttling;

namespace Gateway.Tests.Throttling;

public sealed class SlidingRateWindowTests
{
    // Timestamps in milliseconds keep the arithmetic readable.
    private const long Frequency = 1000;

    [Fact]
    public void Rate_TenPerSecondForWholeWindow_ReturnsTen()
    {
        // Arrange
        var window = new SlidingRateWindow(5);
        RecordSteady(window, perSecond: 10, fromSecond: 0, toSecond: 5);

        // Act: at the very end of second 5 the oldest bucket (second 0) has slid out entirely.
        var rate = window.Rate(5_999, Frequency);

        // Assert
        Assert.Equal(10, rate, precision: 1);
    }

    [Fact]
    public void Rate_HalfwayThroughSecond_WeighsOldestBucketByOverlap()
    {
        // Arrange: 10/s in seconds 0..4, then silence.
        var window = new SlidingRateWindow(5);
        RecordSteady(window, perSecond: 10, fromSecond: 0, toSecond: 4);

        // Act: at 5.5 s the window [0.5, 5.5] holds all of seconds 1..4 and half of second 0.
        var rate = window.Rate(5_500, Frequency);

        // Assert: (40 + 10 × 0.5) / 5.
        Assert.Equal(9, rate, precision: 6);
    }

    [Fact]
    public void Rate_TrafficOlderThanWindow_IsForgotten()
    {
        // Arrange
        var window = new SlidingRateWindow(3);
        RecordSteady(window, perSecond: 100, fromSecond: 0, toSecond: 1);

        // Act
        var rate = window.Rate(10_000, Frequency);

        // Assert
        Assert.Equal(0, rate);
        Assert.True(window.IsIdle(10_000, Frequency));
        Assert.False(window.IsIdle(3_000, Frequency));
    }

    private static void RecordSteady(SlidingRateWindow window, int perSecond, int fromSecond, int toSecond)
    {
        for (var second = fromSecond; second <= toSecond; second++)
        {
            for (var i = 0; i < perSecond; i++)
            {
                window.Record((second * Frequency) + (i * Frequency / perSecond), Frequency);
            }
        }
    }
}
