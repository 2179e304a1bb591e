using System.Buffers;
using Gateway.Transforms.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Transforms.Caching;

/// <summary>How reading the request body for the key went.</summary>
internal enum RequestBodyStatus
{
    /// <summary>Read completely; the body is left replayable for the upstream.</summary>
    Complete,

    /// <summary>Over <c>Gateway:Cache:MaxRequestBodyBytes</c>: bypass, the body is forwarded untouched.</summary>
    TooLarge,

    /// <summary>The client sent less than it declared or the connection failed.</summary>
    Unreadable,
}

/// <summary>Reads the whole request body for the cache key (never a part of it) and leaves it for YARP to forward.</summary>
internal static class CacheRequestBody
{
    /// <summary>Reads the body, bounded by <paramref name="maxBytes"/>; reuses a body an earlier stage buffered.</summary>
    public static async ValueTask<(RequestBodyStatus Status, ReadOnlyMemory<byte> Body)> ReadAsync(HttpContext context, GatewayRequest request, long maxBytes)
    {
        if (request.BufferedBody is { } buffered)
        {
            return buffered.Length <= maxBytes ? (RequestBodyStatus.Complete, buffered) : (RequestBodyStatus.TooLarge, default);
        }

        var http = context.Request;
        var declared = http.ContentLength;
        if (declared > maxBytes)
        {
            return (RequestBodyStatus.TooLarge, default);
        }

        if (declared == 0 || (declared is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true))
        {
            return (RequestBodyStatus.Complete, ReadOnlyMemory<byte>.Empty);
        }

        try
        {
            if (declared is { } length)
            {
                var body = new byte[length];
                await http.Body.ReadExactlyAsync(body, context.RequestAborted);
                http.Body = new MemoryStream(body, writable: false);
                request.BufferedBody = body;
                return (RequestBodyStatus.Complete, body);
            }

            return await ReadUnknownLengthAsync(context, maxBytes);
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException)
        {
            return (RequestBodyStatus.Unreadable, default);
        }
    }

    private static async ValueTask<(RequestBodyStatus, ReadOnlyMemory<byte>)> ReadUnknownLengthAsync(HttpContext context, long maxBytes)
    {
        // No declared length (HTTP/2 without content-length): buffer so the body can be rewound whatever we find.
        var http = context.Request;
        http.EnableBuffering();
        var collected = new ArrayBufferWriter<byte>(4096);
        var tooLarge = false;
        while (true)
        {
            var read = await http.Body.ReadAsync(collected.GetMemory(16 * 1024), context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            collected.Advance(read);
            if (collected.WrittenCount > maxBytes)
            {
                tooLarge = true;
                break;
            }
        }

        http.Body.Position = 0;
        return tooLarge ? (RequestBodyStatus.TooLarge, default) : (RequestBodyStatus.Complete, collected.WrittenMemory);
    }
}
