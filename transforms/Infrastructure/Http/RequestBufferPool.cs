namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>
/// The node's reusable segments for reading request bodies into memory. A segment is taken only after its bytes were
/// reserved in the <see cref="RequestBufferBudget"/>, so the segments out at any moment never exceed
/// <c>Gateway:Limits:MaxBufferedBytes</c>, and the pool keeps no more than that once they come back: the memory the
/// buffered bodies take is bounded by the cap itself, not only counted against it. Without reuse, every upload a
/// tenant stalls or has refused would leave its segments as garbage, and the collector's growing budgets, not the
/// cap, would decide how far the process grows.
/// </summary>
/// <remarks>
/// Segments are allocated on the pinned-object heap (as Kestrel's own buffers are): they live as long as the process
/// and are never moved or copied by a collection. A segment's old bytes are never shown to anyone: a body is always
/// copied out of its segments up to the bytes that request read.
/// </remarks>
internal sealed class RequestBufferPool
{
    /// <summary>Size of one segment: below the large-object threshold, and the unit the budget is reserved in.</summary>
    public const int SegmentSize = 16 * 1024;

    private readonly Lock _gate = new();
    private readonly Stack<byte[]> _free = new();
    private long _allocated;

    /// <summary>Bytes kept for reuse now.</summary>
    public long IdleBytes
    {
        get
        {
            lock (_gate)
            {
                return (long)_free.Count * SegmentSize;
            }
        }
    }

    /// <summary>Bytes of segments ever allocated and not dropped (in use or idle).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocated);

    /// <summary>A segment of <see cref="SegmentSize"/> bytes, reused when one is idle. Its content is undefined.</summary>
    public byte[] Rent()
    {
        lock (_gate)
        {
            if (_free.TryPop(out var segment))
            {
                return segment;
            }
        }

        Interlocked.Add(ref _allocated, SegmentSize);
        return GC.AllocateUninitializedArray<byte>(SegmentSize, pinned: true);
    }

    /// <summary>
    /// Gives <paramref name="segment"/> back; it is kept while the idle segments stay within
    /// <paramref name="maxIdleBytes"/> (the cap in force), and dropped otherwise.
    /// </summary>
    public void Return(byte[] segment, long maxIdleBytes)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.Length != SegmentSize)
        {
            return;
        }

        lock (_gate)
        {
            if ((long)(_free.Count + 1) * SegmentSize <= maxIdleBytes)
            {
                _free.Push(segment);
                return;
            }
        }

        Interlocked.Add(ref _allocated, -SegmentSize);
    }
}
