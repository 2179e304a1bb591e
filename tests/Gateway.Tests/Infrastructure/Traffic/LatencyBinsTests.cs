using Gateway.Transforms.Infrastructure.Traffic;

namespace Gateway.Tests.Infrastructure.Traffic;

public sealed class LatencyBinsTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(0.00025, 0)]
    [InlineData(0.0003, 1)]
    [InlineData(0.2, 30)]
    [InlineData(60, LatencyBins.Count - 1)]
    public void Of_Duration_BinWhoseUpperBoundHoldsIt(double seconds, int expected)
    {
        // Act
        var bin = LatencyBins.Of(seconds);

        // Assert
        Assert.Equal(expected, bin);
        Assert.True(seconds <= LatencyBins.UpperBounds[bin]);
        Assert.True(bin == 0 || seconds > LatencyBins.UpperBounds[bin - 1]);
    }

    [Fact]
    public void Quantile_UniformOneToHundredMs_P95WithinOneStep()
    {
        // Arrange: 1, 2, ..., 100 ms.
        var bins = new int[LatencyBins.Count];
        for (var ms = 1; ms <= 100; ms++)
        {
            bins[LatencyBins.Of(ms / 1000.0)]++;
        }

        // Act
        var p95 = LatencyBins.Quantile(bins, 0.95);

        // Assert
        Assert.InRange(p95!.Value, 0.095 / LatencyBins.Step, 0.095 * LatencyBins.Step);
    }

    [Fact]
    public void Quantile_NothingCounted_Null()
    {
        // Act
        var p95 = LatencyBins.Quantile(new int[LatencyBins.Count], 0.95);

        // Assert
        Assert.Null(p95);
    }
}
