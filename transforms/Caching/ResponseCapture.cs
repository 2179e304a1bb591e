using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Transforms.Caching;

/// <summary>
/// Tees the response body on a miss: every byte goes to the client as it arrives, and while the response is
/// cacheable a copy goes into a buffer bounded by <c>Gateway:Cache:MaxEntryBytes</c>. Cacheability is decided
/// from status and headers when the first byte (or the start, or the end) is written.
/// </summary>
internal sealed partial class ResponseCapture : IHttpResponseBodyFeature
{
    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _inner;
    private readonly Func<HttpResponse, CacheDecision> _decide;
    private readonly Action? _onAbandoned;
    private readonly int _maxBytes;
    private readonly TeeStream _stream;
    private PipeWriter? _writer;

    // The copy: an array of exactly the declared length when the response declares one (it becomes the entry's body as
    // it is), a growing buffer otherwise.
    private byte[]? _exact;
    private int _written;
    private ArrayBufferWriter<byte>? _buffer;

    private ResponseCapture(HttpContext context, IHttpResponseBodyFeature inner, Func<HttpResponse, CacheDecision> decide, int maxBytes, Action? onAbandoned)
    {
        _context = context;
        _inner = inner;
        _decide = decide;
        _maxBytes = maxBytes;
        _onAbandoned = onAbandoned;
        _stream = new TeeStream(this);
    }

    /// <summary>Current state.</summary>
    public CaptureState State { get; private set; }

    /// <summary>The cacheability decision once made.</summary>
    public CacheDecision Decision { get; private set; }

    /// <inheritdoc />
    public Stream Stream => _stream;

    /// <inheritdoc />
    public PipeWriter Writer => _writer ??= PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));

    /// <summary>Replaces the response body feature of <paramref name="context"/> with a capture.</summary>
    /// <param name="context">The request.</param>
    /// <param name="decide">Cacheability rules applied when the response starts.</param>
    /// <param name="maxBytes">Largest body kept.</param>
    /// <param name="onAbandoned">Called once when the response turns out not cacheable or too large (followers stop waiting).</param>
    public static ResponseCapture Install(HttpContext context, Func<HttpResponse, CacheDecision> decide, int maxBytes, Action? onAbandoned)
    {
        var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var capture = new ResponseCapture(context, inner, decide, maxBytes, onAbandoned);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        return capture;
    }

    /// <summary>Puts the original body feature back, flushing anything written through <see cref="Writer"/>.</summary>
    public async ValueTask UninstallAsync()
    {
        if (_writer is not null)
        {
            try
            {
                await _writer.CompleteAsync();
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away; nothing is stored from an interrupted response anyway.
                Abandon(CaptureState.PassThrough);
            }
        }

        _context.Features.Set(_inner);
    }

    /// <summary>
    /// The captured body when the response is cacheable and complete: decided cacheable, never over the cap,
    /// and as long as its <c>Content-Length</c> said.
    /// </summary>
    public bool TryGetBody(out ReadOnlyMemory<byte> body)
    {
        EnsureDecided();
        body = default;
        if (State != CaptureState.Capturing)
        {
            return false;
        }

        var written = _exact is not null ? _written : _buffer!.WrittenCount;
        if (_context.Response.ContentLength is { } declared && declared != written)
        {
            return false;
        }

        body = _exact is not null ? _exact.AsMemory(0, _written) : _buffer!.WrittenMemory;
        return true;
    }

    /// <inheritdoc />
    public void DisableBuffering() => _inner.DisableBuffering();

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        EnsureDecided();
        return _inner.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(_stream, path, offset, count, cancellationToken);

    /// <inheritdoc />
    public async Task CompleteAsync()
    {
        EnsureDecided();
        if (_writer is not null)
        {
            await _writer.FlushAsync();
        }

        await _inner.CompleteAsync();
    }

    private void EnsureDecided()
    {
        if (State != CaptureState.Undecided)
        {
            return;
        }

        Decision = _decide(_context.Response);
        if (!Decision.Cacheable)
        {
            Abandon(Decision.SkipReason == CacheDecision.TooLarge ? CaptureState.TooLarge : CaptureState.PassThrough);
            return;
        }

        if (_context.Response.ContentLength is > 0 and var length && length <= _maxBytes)
        {
            _exact = new byte[length];
        }
        else
        {
            _buffer = new ArrayBufferWriter<byte>(4 * 1024);
        }

        State = CaptureState.Capturing;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (State != CaptureState.Capturing || data.IsEmpty)
        {
            return;
        }

        if (_exact is not null)
        {
            if (_written + data.Length > _exact.Length)
            {
                // More than it declared: never stored (TryGetBody checks the length), so stop copying.
                Abandon(CaptureState.PassThrough);
                return;
            }

            data.CopyTo(_exact.AsSpan(_written));
            _written += data.Length;
            return;
        }

        if (_buffer!.WrittenCount + data.Length > _maxBytes)
        {
            Abandon(CaptureState.TooLarge);
            return;
        }

        data.CopyTo(_buffer.GetSpan(data.Length));
        _buffer.Advance(data.Length);
    }

    private void Abandon(CaptureState state)
    {
        var wasLive = State is CaptureState.Undecided or CaptureState.Capturing;
        State = state;
        _buffer = null;
        _exact = null;
        if (wasLive)
        {
            _onAbandoned?.Invoke();
        }
    }

    private void Write(ReadOnlySpan<byte> data)
    {
        EnsureDecided();
        _inner.Stream.Write(data);
        Append(data);
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        EnsureDecided();
        await _inner.Stream.WriteAsync(data, cancellationToken);
        Append(data.Span);
    }
}
