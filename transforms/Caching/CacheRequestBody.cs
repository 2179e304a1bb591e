using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Transforms.Caching;

/// <summary>Reads the whole request body for the cache key (never a part of it) and leaves it for YARP to forward.</summary>
internal static class CacheRequestBody
{
    /// <summary>
    /// The key of a request whose whole body has already arrived: a declared length within <paramref name="maxBytes"/>,
    /// every byte of it in the server's receive buffer, in one segment (or a body an earlier stage buffered). Computed
    /// where the body lies, without consuming it: nothing is copied, and on a miss the body is still there for YARP to
    /// forward. Null when the body has to be read first (<see cref="ReadAsync"/>).
    /// </summary>
    public static string? TryKeyOfArrivedBody(HttpContext context, GatewayRequest request, CacheRouteSettings route, long maxBytes)
    {
        if (request.BufferedBody is { } buffered)
        {
            return buffered.Length <= maxBytes ? CacheKeyBuilder.ForRequest(context, request, route, buffered) : null;
        }

        var http = context.Request;
        var declared = http.ContentLength;
        if (declared == 0)
        {
            return CacheKeyBuilder.ForRequest(context, request, route, ReadOnlyMemory<byte>.Empty);
        }

        if (declared is not { } length || length > maxBytes || !http.BodyReader.TryRead(out var read))
        {
            return null;
        }

        var buffer = read.Buffer;
        var key = buffer.Length == length && buffer.IsSingleSegment ? CacheKeyBuilder.ForRequest(context, request, route, buffer.First) : null;

        // Nothing consumed, nothing examined: whoever reads the body next gets the same bytes at once.
        http.BodyReader.AdvanceTo(buffer.Start);
        return key;
    }

    /// <summary>
    /// Reads the body, bounded by <paramref name="maxBytes"/> and by the node's buffered-body budget; reuses a body an
    /// earlier stage buffered.
    /// </summary>
    public static async ValueTask<(RequestBodyStatus Status, ReadOnlyMemory<byte> Body)> ReadAsync(HttpContext context, GatewayRequest request, RequestBodyBuffer buffer, long maxBytes)
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
                var declaredRead = await buffer.ReadDeclaredAsync(context, request, length);
                if (declaredRead.Status != BufferedBodyStatus.Complete)
                {
                    return (RequestBodyStatus.OverBudget, default);
                }

                RequestBodyBuffer.Keep(context, request, declaredRead.Body);
                return (RequestBodyStatus.Complete, declaredRead.Body);
            }

            // No declared length (HTTP/2 without content-length): buffer so the body can be rewound whatever we find,
            // since a body over the cap must still be forwarded whole.
            http.EnableBuffering();
            var read = await buffer.ReadToEndAsync(context, request, maxBytes);
            http.Body.Position = 0;
            return read.Status switch
            {
                BufferedBodyStatus.Complete => (RequestBodyStatus.Complete, read.Body),
                BufferedBodyStatus.OverBudget => (RequestBodyStatus.OverBudget, default),
                _ => (RequestBodyStatus.TooLarge, default),
            };
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException)
        {
            return (RequestBodyStatus.Unreadable, default);
        }
    }
}
