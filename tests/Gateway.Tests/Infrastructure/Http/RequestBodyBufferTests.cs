using Gateway.Transforms.Infrastructure.Http;

namespace Gateway.Tests.Infrastructure.Http;

public sealed class RequestBodyBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(100_000)]
    public async Task ReadToEndAsync_AtOrUnderMax_WholeBody(int length)
    {
        // Arrange
        var body = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

        // Act
        var read = await RequestBodyBuffer.ReadToEndAsync(new MemoryStream(body), maxBytes: 100_000, CancellationToken.None);

        // Assert
        Assert.Equal(body, read!.Value.ToArray());
    }

    [Fact]
    public async Task ReadToEndAsync_OverMax_NullWithoutReadingTheRest()
    {
        // Arrange
        var stream = new MemoryStream(new byte[1_000_000]);

        // Act
        var read = await RequestBodyBuffer.ReadToEndAsync(stream, maxBytes: 1000, CancellationToken.None);

        // Assert
        Assert.Null(read);
        Assert.InRange(stream.Position, 1001, 64 * 1024);
    }
}
