using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Gateway.Transforms.Infrastructure.Problems;
using Gateway.Transforms.Infrastructure.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Transforms.BodyLimit;

/// <summary>
/// Proxy stage: answers 413 for bodies over <c>Gateway:Limits:MaxRequestBodyBytes</c> before a single byte
/// is forwarded. A declared length is checked at once; a chunked body is read up to the cap first, because
/// once YARP has started streaming it upstream the request can no longer be refused cleanly.
/// </summary>
/// <remarks>
/// It runs after the rate limiter and under the tier deadline: a refused tenant's body is never read, a stalled upload
/// ends with the deadline's 504, and the bytes it does buffer count against the node's buffered-body budget (503 past
/// it, see <see cref="RequestBodyBuffer"/>).
/// </remarks>
internal sealed class RequestBodyLimitStage : IGatewayStage
{
    private readonly RequestBodyBuffer _buffer;

    /// <summary>Creates the stage.</summary>
    public RequestBodyLimitStage(RequestBodyBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        _buffer = buffer;
    }

    /// <inheritdoc />
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.GetGatewayRequest();
        var limit = request.Settings.Options.Limits.MaxRequestBodyBytes;
        var declared = context.Request.ContentLength;
        if (declared is { } length)
        {
            return length > limit ? TooLargeAsync(context, request, limit) : next(context);
        }

        var chunked = context.Request.Headers.TransferEncoding.Count > 0;
        return chunked ? BufferChunkedAsync(context, request, limit, next) : next(context);
    }

    private async Task BufferChunkedAsync(HttpContext context, GatewayRequest request, long limit, RequestDelegate next)
    {
        // Kestrel counts chunk framing against its own MaxRequestBodySize and throws (a 500 here) on bodies at or
        // even just under the cap; the buffer enforces the cap on the payload and stops one read past it.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrelLimit)
        {
            kestrelLimit.MaxRequestBodySize = null;
        }

        var read = await _buffer.ReadToEndAsync(context, request, limit);
        switch (read.Status)
        {
            case BufferedBodyStatus.TooLarge:
                await TooLargeAsync(context, request, limit);
                return;
            case BufferedBodyStatus.OverBudget:
                await _buffer.RefuseAsync(context, request);
                return;
        }

        RequestBodyBuffer.Keep(context, request, read.Body);
        context.Request.Headers.TransferEncoding = default;
        context.Request.ContentLength = read.Body.Length;
        await next(context);
    }

    private static Task TooLargeAsync(HttpContext context, GatewayRequest request, long limit)
    {
        request.Outcome = RequestOutcome.Rejected;

        // The unread body would otherwise be drained by Kestrel; closing is cheaper for a client that ignores 413.
        context.Response.Headers.Connection = "close";
        return ProblemWriter.WriteAsync(
            context,
            ProblemKind.PayloadTooLarge,
            $"The request body exceeds the {limit} byte limit.",
            request.TenantId,
            request.Tier?.Name,
            new Dictionary<string, object?> { ["limit_bytes"] = limit });
    }
}
