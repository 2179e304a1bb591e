using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Gateway.Benchmarks.Pipeline;

/// <summary>One keep-alive connection of <see cref="InProcessServer"/>: sends requests and reads what came back.</summary>
internal abstract class BenchConnection
{
    /// <summary>Runs one request to completion and returns the response status.</summary>
    public abstract ValueTask<int> SendAsync(string method, string path, string authorization, byte[] body);

    /// <summary>Response headers of the last request.</summary>
    public abstract IHeaderDictionary ResponseHeaders { get; }

    /// <summary>Response body bytes of the last request.</summary>
    public abstract ReadOnlySpan<byte> ResponseBody { get; }

    /// <summary>Status of the last request, or the exception it failed with.</summary>
    public string LastStatus { get; protected set; } = "";
}

/// <summary>
/// The request features of one connection, implemented once and reset per request like Kestrel's HttpProtocol, so
/// the harness itself allocates next to nothing per request (see the empty-pipeline row of the benchmark).
/// </summary>
internal sealed class BenchConnection<TContext> : BenchConnection, IFeatureCollection, IHostContextContainer<TContext>,
    IHttpRequestFeature, IHttpResponseFeature, IHttpResponseBodyFeature, IHttpRequestLifetimeFeature, IHttpConnectionFeature,
    IHttpRequestBodyDetectionFeature, IRequestBodyPipeFeature, IHttpRequestIdentifierFeature
    where TContext : notnull
{
    private readonly IHttpApplication<TContext> _application;
    // Features the pipeline sets (request services, routing, ...), cleared per request like Kestrel's extra features.
    private readonly Dictionary<Type, object> _others = [];
    private readonly IHeaderDictionary _requestHeaders = new HeaderDictionary();
    private readonly IHeaderDictionary _responseHeaders = new HeaderDictionary();
    private readonly ResponseWriter _writer;
    private readonly Stream _responseStream;
    private readonly MemoryStream _requestStream = new();
    private readonly RequestPipe _requestPipe = new();
    private Stack<(Func<object, Task> Callback, object State)>? _onStarting;
    private Stack<(Func<object, Task> Callback, object State)>? _onCompleted;
    private int _revision;

    public BenchConnection(IHttpApplication<TContext> application)
    {
        _application = application;
        _responseStream = new ResponseStream(this);
        _writer = new ResponseWriter(this);
    }

    public TContext? HostContext { get; set; }

    public override IHeaderDictionary ResponseHeaders => _responseHeaders;

    public override ReadOnlySpan<byte> ResponseBody => _writer.Written;

    public override async ValueTask<int> SendAsync(string method, string path, string authorization, byte[] body)
    {
        Reset(method, path, authorization, body);
        var context = _application.CreateContext(this);
        Exception? error = null;
        try
        {
            await _application.ProcessRequestAsync(context);
            await StartAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            error = ex;
            StatusCode = 500;
        }

        LastStatus = error is null ? StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : error.ToString();

        await FireAsync(_onCompleted);
        _application.DisposeContext(context, error);
        return StatusCode;
    }

    private void Reset(string method, string path, string authorization, byte[] body)
    {
        _revision++;
        _others.Clear();
        Method = method;
        Path = path;
        PathBase = "";
        QueryString = "";
        RawTarget = path;
        _requestHeaders.Clear();
        _requestHeaders.Host = "gateway.bench";
        _requestHeaders.Authorization = authorization;
        _requestHeaders.ContentType = "application/json";
        _requestHeaders.ContentLength = body.Length;
        _requestStream.SetLength(0);
        _requestStream.Write(body);
        _requestStream.Position = 0;
        Body = _requestStream;
        _requestPipe.Reset(body);
        _responseHeaders.Clear();
        _writer.Reset();
        StatusCode = 200;
        ReasonPhrase = null;
        HasStarted = false;
        _onStarting?.Clear();
        _onCompleted?.Clear();
        RequestAborted = CancellationToken.None;
        TraceIdentifier = null!;
    }

    private static async Task FireAsync(Stack<(Func<object, Task> Callback, object State)>? callbacks)
    {
        if (callbacks is null)
        {
            return;
        }

        while (callbacks.TryPop(out var entry))
        {
            await entry.Callback(entry.State);
        }
    }

    // IFeatureCollection: this object serves the common features; what the pipeline sets (its own features, or a
    // replacement of one of ours, like the cache's response capture) goes to a side collection that wins.
    public bool IsReadOnly => false;

    public int Revision => _revision;

    public object? this[Type key]
    {
        get => _others.Count > 0 && _others.TryGetValue(key, out var set) ? set : Get(key);
        set => SetOther(key, value);
    }

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];

    public void Set<TFeature>(TFeature? instance) => SetOther(typeof(TFeature), instance);

    private void SetOther(Type key, object? value)
    {
        _revision++;
        if (value is null)
        {
            _others.Remove(key);
        }
        else
        {
            _others[key] = value;
        }
    }

    private object? Get(Type key) =>
        key == typeof(IHttpRequestFeature) || key == typeof(IHttpResponseFeature) || key == typeof(IHttpResponseBodyFeature)
        || key == typeof(IHttpRequestLifetimeFeature) || key == typeof(IHttpConnectionFeature)
        || key == typeof(IHttpRequestBodyDetectionFeature) || key == typeof(IRequestBodyPipeFeature)
        || key == typeof(IHttpRequestIdentifierFeature)
            ? this
            : null;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        yield return new(typeof(IHttpRequestFeature), this);
        yield return new(typeof(IHttpResponseFeature), this);
        yield return new(typeof(IHttpResponseBodyFeature), this);
        foreach (var pair in _others)
        {
            yield return pair;
        }

    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    // IHttpRequestFeature
    public string Protocol { get; set; } = "HTTP/1.1";

    public string Scheme { get; set; } = "http";

    public string Method { get; set; } = "GET";

    public string PathBase { get; set; } = "";

    public string Path { get; set; } = "/";

    public string QueryString { get; set; } = "";

    public string RawTarget { get; set; } = "/";

    IHeaderDictionary IHttpRequestFeature.Headers
    {
        get => _requestHeaders;
        set => throw new NotSupportedException();
    }

    public Stream Body { get; set; } = Stream.Null;

    // IHttpResponseFeature
    public int StatusCode { get; set; } = 200;

    public string? ReasonPhrase { get; set; }

    IHeaderDictionary IHttpResponseFeature.Headers
    {
        get => _responseHeaders;
        set => throw new NotSupportedException();
    }

    Stream IHttpResponseFeature.Body
    {
        get => _responseStream;
        set => throw new NotSupportedException();
    }

    public bool HasStarted { get; private set; }

    public void OnStarting(Func<object, Task> callback, object state) => (_onStarting ??= new()).Push((callback, state));

    public void OnCompleted(Func<object, Task> callback, object state) => (_onCompleted ??= new()).Push((callback, state));

    // IHttpResponseBodyFeature
    public Stream Stream => _responseStream;

    public PipeWriter Writer => _writer;

    public void DisableBuffering()
    {
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (HasStarted)
        {
            return;
        }

        await FireAsync(_onStarting);
        HasStarted = true;
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task CompleteAsync() => StartAsync();

    // IHttpRequestLifetimeFeature
    public CancellationToken RequestAborted { get; set; }

    public void Abort() => StatusCode = 499;

    // IHttpConnectionFeature
    public string ConnectionId { get; set; } = "bench";

    public IPAddress? RemoteIpAddress { get; set; } = IPAddress.Loopback;

    public IPAddress? LocalIpAddress { get; set; } = IPAddress.Loopback;

    public int RemotePort { get; set; } = 40000;

    public int LocalPort { get; set; } = 5000;

    // IHttpRequestBodyDetectionFeature
    public bool CanHaveBody => _requestStream.Length > 0;

    // IRequestBodyPipeFeature
    public PipeReader Reader => _requestPipe;

    // IHttpRequestIdentifierFeature
    public string TraceIdentifier { get; set; } = null!;

    /// <summary>The response body stream: starts the response (OnStarting) on the first write, like Kestrel.</summary>
    private sealed class ResponseStream(BenchConnection<TContext> owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => owner.StartAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous write");

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await owner.StartAsync(cancellationToken);
            owner._writer.Write(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>A response PipeWriter that keeps the bytes in one reusable buffer; a flush starts the response.</summary>
    private sealed class ResponseWriter(BenchConnection<TContext> owner) : PipeWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);

        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => 0;

        public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

        public void Reset() => _buffer.ResetWrittenCount();

        public override void Advance(int bytes) => _buffer.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _buffer.GetSpan(sizeHint);

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            await owner.StartAsync(cancellationToken);
            return new FlushResult(false, false);
        }
    }

    /// <summary>The request body as a pipe that holds the whole body at once (a small request arrives in one packet).</summary>
    private sealed class RequestPipe : PipeReader
    {
        private ReadOnlySequence<byte> _remaining;

        public void Reset(byte[] body) => _remaining = new ReadOnlySequence<byte>(body);

        public override void AdvanceTo(SequencePosition consumed) => _remaining = _remaining.Slice(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => AdvanceTo(consumed);

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            new(new ReadResult(_remaining, false, true));

        public override bool TryRead(out ReadResult result)
        {
            result = new ReadResult(_remaining, false, true);
            return true;
        }
    }
}
