namespace Gateway.Transforms.Caching;

/// <summary>The stream half of <see cref="ResponseCapture"/>.</summary>
internal sealed partial class ResponseCapture
{
    /// <summary>Write-only stream that hands every write to the capture.</summary>
    private sealed class TeeStream(ResponseCapture owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => owner._inner.Stream.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            owner.EnsureDecided();
            return owner._inner.Stream.FlushAsync(cancellationToken);
        }

        public override void Write(byte[] buffer, int offset, int count) => owner.Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => owner.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            owner.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            owner.WriteAsync(buffer, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
