using System.Buffers;
using Gateway.Transforms.Pipeline;
using Gateway.Transforms.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Transforms.Limits;

/// <summary>
/// Proxy stage: answers 413 for bodies over <c>Gateway:Limits:MaxRequestBodyBytes</c> before a single byte
/// is forwarded. A declared length is checked at once; a chunked body is read up to the cap first, because
/// once YARP has started streaming it upstream the request can no longer be refused cleanly.
/// </summary>
public sealed class RequestBodyLimitStage
{
    /// <summary>Runs the stage.</summary>
    public Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var request = context.GetGatewayRequest();
        var limit = request.Settings.Options.Limits.MaxRequestBodyBytes;
        var declared = context.Request.ContentLength;
        if (declared is { } length)
        {
            return length > limit ? TooLargeAsync(context, request, limit) : next();
        }

        var chunked = context.Request.Headers.TransferEncoding.Count > 0;
        return chunked ? BufferChunkedAsync(context, request, limit, next) : next();
    }

    private static async Task BufferChunkedAsync(HttpContext context, GatewayRequest request, long limit, Func<Task> next)
    {
        // Kestrel counts chunk framing against its own MaxRequestBodySize and throws (a 500 here) on bodies at or
        // even just under the cap; the loop below enforces the cap on the payload and stops one read past it.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrelLimit)
        {
            kestrelLimit.MaxRequestBodySize = null;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        var body = context.Request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await body.ReadAsync(memory, context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                await TooLargeAsync(context, request, limit);
                return;
            }
        }

        request.BufferedBody = buffer.WrittenMemory;
        context.Request.Body = new MemoryStream(buffer.WrittenMemory.ToArray(), writable: false);
        context.Request.Headers.TransferEncoding = default;
        context.Request.ContentLength = buffer.WrittenCount;
        await next();
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
