using System.Globalization;
using System.Runtime.InteropServices;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Problems;
using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>
/// Reads a request body into memory for the stages that must see all of it before it is forwarded (the body limit
/// for chunked uploads, the cache for its key) and leaves it for YARP to forward. Every byte is reserved in the node's
/// <see cref="RequestBufferBudget"/> before it is allocated; a body that would pass the node's cap or its tenant's share
/// is refused with 503 (<see cref="RefuseAsync"/>). Bodies are read through the node's <see cref="RequestBufferPool"/>,
/// so the memory they take is bounded by the same cap. A body kept once is reused by later stages through
/// <see cref="GatewayRequest.BufferedBody"/>.
/// </summary>
/// <remarks>
/// The stages that buffer run after the rate limiter and under the tier deadline, so a refused tenant never gets a
/// byte buffered and a stalled upload ends with 504 at the deadline.
/// </remarks>
internal sealed class RequestBodyBuffer
{
    private readonly RequestBufferBudget _budget;
    private readonly RequestBufferPool _pool;
    private readonly RequestBufferMetrics _metrics;

    /// <summary>Creates the buffer service.</summary>
    public RequestBodyBuffer(RequestBufferBudget budget, RequestBufferPool pool, RequestBufferMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(metrics);
        _budget = budget;
        _pool = pool;
        _metrics = metrics;
    }

    /// <summary>Reads the request's body to its end against its tenant's reservation (see the static overload).</summary>
    public ValueTask<BufferedBody> ReadToEndAsync(HttpContext context, GatewayRequest request, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ReadToEndAsync(context.Request.Body, maxBytes, LeaseFor(context, request), context.RequestAborted);
    }

    /// <summary>
    /// Reads a body of declared <paramref name="length"/>: reserves all of it first (<see cref="BufferedBodyStatus.OverBudget"/>
    /// without reading a byte when refused), then reads it through pooled segments, so an upload that stalls before its
    /// end holds reusable segments rather than one large array allocated for bytes that may never come.
    /// </summary>
    public async ValueTask<BufferedBody> ReadDeclaredAsync(HttpContext context, GatewayRequest request, long length)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var lease = LeaseFor(context, request);
        if (!lease.TryAdd(length))
        {
            return new BufferedBody(BufferedBodyStatus.OverBudget, default);
        }

        if (length <= RequestBufferPool.SegmentSize)
        {
            var body = new byte[length];
            await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted).ConfigureAwait(false);
            return new BufferedBody(BufferedBodyStatus.Complete, body);
        }

        var read = await ReadSegmentsAsync(context.Request.Body, length, lease, reserveEach: false, context.RequestAborted).ConfigureAwait(false);
        return read.Status == BufferedBodyStatus.Complete && read.Body.Length != length
            ? throw new IOException("The request body ended before its declared length.")
            : read;
    }

    /// <summary>
    /// Reads <paramref name="body"/> to its end in fixed-size segments, adding each one to <paramref name="lease"/> (when
    /// given) before taking it, and copies them into one array at the end. Stops one read past
    /// <paramref name="maxBytes"/> (<see cref="BufferedBodyStatus.TooLarge"/>, never reading the rest), or when the
    /// budget refuses more (<see cref="BufferedBodyStatus.OverBudget"/>).
    /// </summary>
    /// <remarks>
    /// The segments come from the lease's <see cref="RequestBufferPool"/> and go back to it however the read ends, so an
    /// upload that never completes, or is refused part way, leaves no garbage behind: only a body read to its end
    /// allocates (its own exact size). The lease keeps the segments' reservation, at least the body's size, for the
    /// array until the request ends.
    /// </remarks>
    public static ValueTask<BufferedBody> ReadToEndAsync(Stream body, long maxBytes, RequestBufferLease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ReadSegmentsAsync(body, maxBytes, lease, reserveEach: true, cancellationToken);
    }

    private static async ValueTask<BufferedBody> ReadSegmentsAsync(Stream body, long maxBytes, RequestBufferLease? lease, bool reserveEach, CancellationToken cancellationToken)
    {
        // A cap under one segment (the admin endpoints' 4 KB) reads into one small array of its own.
        var segmentSize = maxBytes >= RequestBufferPool.SegmentSize ? RequestBufferPool.SegmentSize : (int)Math.Max(1, maxBytes + 1);
        var segments = new List<byte[]>();
        var current = Array.Empty<byte>();
        var used = 0;
        long written = 0;
        try
        {
            while (true)
            {
                if (used == current.Length)
                {
                    if (reserveEach && lease is not null && !lease.TryAdd(segmentSize))
                    {
                        return new BufferedBody(BufferedBodyStatus.OverBudget, default);
                    }

                    current = lease is not null && segmentSize == RequestBufferPool.SegmentSize ? lease.RentSegment() : new byte[segmentSize];
                    used = 0;
                    segments.Add(current);
                }

                var read = await body.ReadAsync(current.AsMemory(used), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                used += read;
                written += read;
                if (written > maxBytes)
                {
                    return new BufferedBody(BufferedBodyStatus.TooLarge, default);
                }
            }

            var joined = new byte[written];
            var offset = 0;
            foreach (var segment in segments)
            {
                var length = (int)Math.Min(segment.Length, written - offset);
                segment.AsSpan(0, length).CopyTo(joined.AsSpan(offset));
                offset += length;
            }

            return new BufferedBody(BufferedBodyStatus.Complete, joined);
        }
        finally
        {
            if (lease is not null)
            {
                foreach (var segment in segments)
                {
                    lease.ReturnSegment(segment);
                }
            }
        }
    }

    /// <summary>Makes <paramref name="body"/> the request body YARP forwards and records it for later stages.</summary>
    public static void Keep(HttpContext context, GatewayRequest request, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        request.BufferedBody = body;
        context.Request.Body = MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
    }

    /// <summary>Answers 503 <c>buffer-full</c> with <c>Retry-After</c> and closes the connection (the rest of the body is never read).</summary>
    public Task RefuseAsync(HttpContext context, GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        request.Outcome = RequestOutcome.Shed;
        _metrics.Refused(request.TenantLabel);
        var limits = request.Settings.Options.Limits;
        var tenantCap = RequestBufferBudget.TenantCap(limits);
        context.Response.Headers.RetryAfter = "1";
        context.Response.Headers.Connection = "close";
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"The gateway already holds as many request bodies in memory as it may (at most {tenantCap} bytes for tenant '{request.TenantId}', {limits.MaxBufferedBytes} bytes for all tenants); retry shortly.");
        return ProblemWriter.WriteAsync(context, ProblemKind.BufferFull, detail, request.TenantId, request.Tier?.Name,
            new Dictionary<string, object?>
            {
                ["tenant_buffered_bytes_limit"] = tenantCap,
                ["max_buffered_bytes"] = limits.MaxBufferedBytes,
                ["retry_after_s"] = 1,
            });
    }

    private RequestBufferLease LeaseFor(HttpContext context, GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        if (context.Features.Get<RequestBufferLease>() is { } lease)
        {
            return lease;
        }

        lease = new RequestBufferLease(_budget, request.TenantId ?? GatewayRequest.UnknownLabel, request.Settings.Options.Limits, _pool);
        context.Features.Set(lease);
        context.Response.RegisterForDispose(lease);
        return lease;
    }
}

/// <summary>How reading a body into memory ended.</summary>
internal enum BufferedBodyStatus
{
    /// <summary>Read to its end within the size cap.</summary>
    Complete,

    /// <summary>Longer than the size cap; reading stopped one read past it.</summary>
    TooLarge,

    /// <summary>The node's or the tenant's buffer budget refused more bytes.</summary>
    OverBudget,
}

/// <summary>A body read into memory, valid when <paramref name="Status"/> is <see cref="BufferedBodyStatus.Complete"/>.</summary>
internal readonly record struct BufferedBody(BufferedBodyStatus Status, ReadOnlyMemory<byte> Body);
