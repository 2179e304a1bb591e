using System.Buffers;
using Gateway.Transforms.Infrastructure.Context;
using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>
/// Reads a request body into memory for the stages that must see all of it before it is forwarded (the body limit
/// for chunked uploads, the cache for its key) and leaves it for YARP to forward. A body kept once is reused by later
/// stages through <see cref="GatewayRequest.BufferedBody"/>.
/// </summary>
internal static class RequestBodyBuffer
{
    private const int ReadSize = 16 * 1024;

    /// <summary>
    /// Reads <paramref name="body"/> to its end; null as soon as more than <paramref name="maxBytes"/> have been read
    /// (one read past the cap, never the rest).
    /// </summary>
    public static async ValueTask<ReadOnlyMemory<byte>?> ReadToEndAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var read = await body.ReadAsync(buffer.GetMemory(ReadSize), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return null;
            }
        }
    }

    /// <summary>Makes <paramref name="body"/> the request body YARP forwards and records it for later stages.</summary>
    public static void Keep(HttpContext context, GatewayRequest request, byte[] body)
    {
        request.BufferedBody = body;
        context.Request.Body = new MemoryStream(body, writable: false);
    }
}
