using Gateway.Config.Options;
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
        var read = await RequestBodyBuffer.ReadToEndAsync(new MemoryStream(body), maxBytes: 100_000, lease: null, CancellationToken.None);

        // Assert
        Assert.Equal(BufferedBodyStatus.Complete, read.Status);
        Assert.Equal(body, read.Body.ToArray());
    }

    [Fact]
    public async Task ReadToEndAsync_OverMax_TooLargeWithoutReadingTheRest()
    {
        // Arrange
        var stream = new MemoryStream(new byte[1_000_000]);

        // Act
        var read = await RequestBodyBuffer.ReadToEndAsync(stream, maxBytes: 1000, lease: null, CancellationToken.None);

        // Assert
        Assert.Equal(BufferedBodyStatus.TooLarge, read.Status);
        Assert.InRange(stream.Position, 1001, 64 * 1024);
    }

    [Fact]
    public async Task ReadToEndAsync_WithLease_ReservesEachSegmentBeforeAllocatingIt()
    {
        // Arrange: 100,000 bytes through a lease with room for all of it.
        var body = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 13)).ToArray();
        var budget = new RequestBufferBudget();
        using var lease = new RequestBufferLease(budget, "tenant-a", Limits(maxBuffered: 1 << 20, share: 1));

        // Act
        var read = await RequestBodyBuffer.ReadToEndAsync(new MemoryStream(body), maxBytes: 200_000, lease, CancellationToken.None);

        // Assert: seven 16 KB segments, held until the request ends (they stand for the joined body).
        Assert.Equal(BufferedBodyStatus.Complete, read.Status);
        Assert.Equal(body, read.Body.ToArray());
        Assert.Equal(7 * 16 * 1024, lease.Bytes);
        Assert.Equal(lease.Bytes, budget.BytesOf("tenant-a"));
    }

    [Fact]
    public async Task ReadToEndAsync_BudgetRefusesNextBuffer_OverBudgetHoldingNoMoreThanTheCap()
    {
        // Arrange: the tenant may hold 16 KB.
        var budget = new RequestBufferBudget();
        using var lease = new RequestBufferLease(budget, "tenant-a", Limits(maxBuffered: 64 * 1024, share: 0.25));

        // Act
        var read = await RequestBodyBuffer.ReadToEndAsync(new MemoryStream(new byte[100_000]), maxBytes: 1_000_000, lease, CancellationToken.None);

        // Assert
        Assert.Equal(BufferedBodyStatus.OverBudget, read.Status);
        Assert.InRange(lease.Bytes, 1, 16 * 1024);
        Assert.Equal(lease.Bytes, budget.TotalBytes);
    }

    [Fact]
    public void LeaseDispose_AfterReservations_GivesEveryByteBack()
    {
        // Arrange
        var budget = new RequestBufferBudget();
        var lease = new RequestBufferLease(budget, "tenant-a", Limits(maxBuffered: 1 << 20, share: 1));
        lease.TryAdd(4096);
        lease.TryAdd(8192);

        // Act
        lease.Dispose();

        // Assert
        Assert.Equal(0, budget.TotalBytes);
        Assert.Equal(0, budget.BytesOf("tenant-a"));
    }

    [Fact]
    public async Task ReadToEndAsync_RefusedUploadsOneAfterAnother_ReuseTheSameSegmentsInsteadOfAllocating()
    {
        // Arrange: a tenant that may hold 64 KB sends fifty 100 KB uploads, one after another, each refused part way.
        var budget = new RequestBufferBudget();
        var pool = new RequestBufferPool();
        var limits = Limits(maxBuffered: 256 * 1024, share: 0.25);

        // Act
        for (var i = 0; i < 50; i++)
        {
            using var lease = new RequestBufferLease(budget, "tenant-a", limits, pool);
            var read = await RequestBodyBuffer.ReadToEndAsync(new MemoryStream(new byte[100_000]), maxBytes: 1_000_000, lease, CancellationToken.None);
            Assert.Equal(BufferedBodyStatus.OverBudget, read.Status);
        }

        // Assert: the four segments of the share were allocated once and came back every time.
        Assert.Equal(4 * RequestBufferPool.SegmentSize, pool.AllocatedBytes);
        Assert.Equal(4 * RequestBufferPool.SegmentSize, pool.IdleBytes);
        Assert.Equal(0, budget.TotalBytes);
    }

    [Fact]
    public async Task ReadToEndAsync_CompleteBody_IsItsOwnArraySoReusedSegmentsNeverChangeIt()
    {
        // Arrange
        var pool = new RequestBufferPool();
        var budget = new RequestBufferBudget();
        var limits = Limits(maxBuffered: 1 << 20, share: 1);
        var first = Enumerable.Range(0, 40_000).Select(i => (byte)(i * 3)).ToArray();

        // Act: read a body, then another one through the same (now reused) segments.
        BufferedBody kept;
        using (var lease = new RequestBufferLease(budget, "tenant-a", limits, pool))
        {
            kept = await RequestBodyBuffer.ReadToEndAsync(new MemoryStream(first), maxBytes: 100_000, lease, CancellationToken.None);
        }

        using (var lease = new RequestBufferLease(budget, "tenant-b", limits, pool))
        {
            await RequestBodyBuffer.ReadToEndAsync(new MemoryStream(Enumerable.Repeat((byte)0xEE, 40_000).ToArray()), maxBytes: 100_000, lease, CancellationToken.None);
        }

        // Assert
        Assert.Equal(first, kept.Body.ToArray());
        Assert.Equal(3 * RequestBufferPool.SegmentSize, pool.AllocatedBytes);
    }

    [Fact]
    public void Return_PastTheNodeCap_DropsTheSegment()
    {
        // Arrange: a cap of two segments.
        var pool = new RequestBufferPool();
        var segments = Enumerable.Range(0, 3).Select(_ => pool.Rent()).ToList();

        // Act
        segments.ForEach(s => pool.Return(s, maxIdleBytes: 2 * RequestBufferPool.SegmentSize));

        // Assert
        Assert.Equal(2 * RequestBufferPool.SegmentSize, pool.IdleBytes);
        Assert.Equal(2 * RequestBufferPool.SegmentSize, pool.AllocatedBytes);
        Assert.Same(segments[1], pool.Rent());
    }

    private static LimitsOptions Limits(long maxBuffered, double share) => new() { MaxBufferedBytes = maxBuffered, TenantBufferedShare = share };
}
