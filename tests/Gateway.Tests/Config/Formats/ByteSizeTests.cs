using Gateway.Config.Formats;

namespace Gateway.Tests.Config.Formats;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("40GB", 40L << 30)]
    [InlineData("512KB", 512L << 10)]
    [InlineData("10MB", 10L << 20)]
    [InlineData("2TB", 2L << 40)]
    [InlineData("1048576", 1048576)]
    [InlineData("100B", 100)]
    [InlineData("1.5MB", 3L << 19)]
    [InlineData("10gb", 10L << 30)]
    [InlineData(" 2 GB ", 2L << 30)]
    [InlineData("4G", 4L << 30)]
    [InlineData("64k", 64L << 10)]
    public void TryParse_ValidSize_ReturnsBytes(string text, long expected)
    {
        // Act
        var parsed = ByteSize.TryParse(text, out var bytes);

        // Assert
        Assert.True(parsed);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("GB")]
    [InlineData("ten gigs")]
    [InlineData("-5MB")]
    [InlineData("0")]
    [InlineData("0KB")]
    [InlineData("1e3")]
    [InlineData("5XB")]
    [InlineData("1,5MB")]
    [InlineData("0.0000001B")]
    public void TryParse_InvalidSize_ReturnsFalse(string? text)
    {
        // Act
        var parsed = ByteSize.TryParse(text, out var bytes);

        // Assert
        Assert.False(parsed);
        Assert.Equal(0, bytes);
    }

    [Theory]
    [InlineData("9000000TB")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999999GB")]
    public void TryParse_Overflow_ReturnsFalse(string text)
    {
        // Act
        var parsed = ByteSize.TryParse(text, out _);

        // Assert
        Assert.False(parsed);
    }

    [Fact]
    public void TryParse_LargestRepresentable_ReturnsLongMaxValue()
    {
        // Act
        var parsed = ByteSize.TryParse(long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), out var bytes);

        // Assert
        Assert.True(parsed);
        Assert.Equal(long.MaxValue, bytes);
    }
}
