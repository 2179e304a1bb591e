using System.Numerics.Tensors;
using Gateway.Transforms.Caching.Semantic;

namespace Gateway.Tests.Caching.Semantic;

public sealed class SemanticRecordTests
{
    [Fact]
    public void TryRead_WrittenRecord_SameContextTextAndVectorWithinFloat16()
    {
        // Arrange
        var vector = TestVectors.Unit(7);

        // Act
        var record = SemanticRecord.Write(0xfeedfacecafebeefUL, vector, "What's the refund policy? ünïcode");
        var read = SemanticRecord.TryRead(record, TestVectors.Dimensions, out var context, out var decoded, out var text);

        // Assert
        Assert.True(read);
        Assert.Equal(0xfeedfacecafebeefUL, context);
        Assert.Equal("What's the refund policy? ünïcode", text);
        Assert.Equal(11 + (2 * TestVectors.Dimensions) + System.Text.Encoding.UTF8.GetByteCount(text), record.Length);
        Assert.Equal(1f, TensorPrimitives.Norm<float>(decoded), 4);
        Assert.InRange(TensorPrimitives.Dot<float>(vector, decoded), 0.9999f, 1.0001f);
    }

    [Fact]
    public void TryRead_SameRecordTwice_BitIdenticalVectors()
    {
        // Arrange: every node indexes the decoded record, so all of them must compute the same similarity.
        var record = SemanticRecord.Write(1, TestVectors.Unit(3), "q");

        // Act
        SemanticRecord.TryRead(record, TestVectors.Dimensions, out _, out var first, out _);
        SemanticRecord.TryRead(record, TestVectors.Dimensions, out _, out var second, out _);

        // Assert
        Assert.Equal(first, second);
    }

    [Fact]
    public void TryRead_OtherDimensionsTruncatedOrOtherVersion_False()
    {
        // Arrange
        var record = SemanticRecord.Write(1, TestVectors.Unit(3), "q");
        var otherVersion = (byte[])record.Clone();
        otherVersion[0] = 2;

        // Act / Assert
        Assert.False(SemanticRecord.TryRead(record, 512, out _, out _, out _));
        Assert.False(SemanticRecord.TryRead(record.AsSpan(0, 100), TestVectors.Dimensions, out _, out _, out _));
        Assert.False(SemanticRecord.TryRead(otherVersion, TestVectors.Dimensions, out _, out _, out _));
        Assert.False(SemanticRecord.TryRead(SemanticRecord.Write(1, new float[TestVectors.Dimensions], "zero"), TestVectors.Dimensions, out _, out _, out _));
    }
}
