namespace Gateway.Transforms.Timeouts;

/// <summary>
/// The upstream's event stream as the proxy reads it, ending (a read returns 0, so the client sees a normal end of the
/// response) when the stream has lasted its maximum or the upstream has sent nothing for the idle time. The upstream
/// read is cancelled then, and disposing the stream closes the upstream connection, so the backend sees the abort.
/// </summary>
internal sealed class LimitedEventStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeProvider _time;
    private readonly long _endsAt;
    private readonly TimeSpan _idle;
    private readonly Action<StreamEndReason> _ended;
    private bool _done;

    /// <param name="inner">The upstream's response stream.</param>
    /// <param name="time">Clock.</param>
    /// <param name="maxDuration">Longest life of the stream, from now.</param>
    /// <param name="idle">Longest gap between two reads that return data.</param>
    /// <param name="ended">Called once when the gateway ends the stream.</param>
    public LimitedEventStream(Stream inner, TimeProvider time, TimeSpan maxDuration, TimeSpan idle, Action<StreamEndReason> ended)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(ended);
        _inner = inner;
        _time = time;
        _endsAt = time.GetTimestamp() + (long)(maxDuration.TotalSeconds * time.TimestampFrequency);
        _idle = idle;
        _ended = ended;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_done)
        {
            return 0;
        }

        var left = TimeSpan.FromSeconds((double)(_endsAt - _time.GetTimestamp()) / _time.TimestampFrequency);
        if (left <= TimeSpan.Zero)
        {
            return End(StreamEndReason.MaxDuration);
        }

        var (wait, reason) = left <= _idle ? (left, StreamEndReason.MaxDuration) : (_idle, StreamEndReason.Idle);
        using var timer = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await _inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException) && timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return End(reason);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The proxy reads streams asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int End(StreamEndReason reason)
    {
        _done = true;
        _ended(reason);
        return 0;
    }
}
