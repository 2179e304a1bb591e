using System.Globalization;
using Gateway.Transforms.Caching.Serialization;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Caching;

/// <summary>Writes cached entries to the client and stamps <c>X-Cache</c> on every response of a caching route.</summary>
internal static class CacheReplay
{
    /// <summary>Marks a follower that received the leader's response instead of calling the upstream.</summary>
    public const string CoalescedHeader = "X-Cache-Coalesced";

    /// <summary>Registers the callback that sets <c>X-Cache</c> from the request's <see cref="GatewayRequest.CacheResult"/> when the response starts.</summary>
    /// <remarks>
    /// It must run at start: YARP's response transforms remove any <c>X-Cache</c> an upstream sent, and
    /// later stages may replace the response with a problem.
    /// </remarks>
    public static void StampOnStart(HttpResponse response, GatewayRequest request) =>
        response.OnStarting(static state =>
        {
            var (response, request) = ((HttpResponse, GatewayRequest))state;
            if (request.CacheResult.HeaderValue() is { } value)
            {
                response.Headers[GatewayHeaders.Cache] = value;
            }

            return Task.CompletedTask;
        }, (response, request));

    /// <summary>Writes <paramref name="entry"/> as the response.</summary>
    /// <param name="context">The request.</param>
    /// <param name="entry">What to replay.</param>
    /// <param name="age">Time since it was stored, for <c>Age</c>; null for a coalesced miss.</param>
    public static Task WriteAsync(HttpContext context, CacheEntry entry, TimeSpan? age)
    {
        var response = context.Response;
        response.StatusCode = entry.StatusCode;
        foreach (var (name, value) in entry.Headers)
        {
            response.Headers.Append(name, value);
        }

        if (age is { } elapsed)
        {
            response.Headers.Age = ((long)Math.Max(0, elapsed.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            response.Headers[CoalescedHeader] = "true";
        }

        response.ContentLength = entry.Body.Length;
        return entry.Body.IsEmpty || HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(entry.Body, context.RequestAborted).AsTask();
    }
}
