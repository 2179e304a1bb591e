using System.Globalization;
using Gateway.Transforms.Caching.Serialization;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Http;
using Microsoft.AspNetCore.Http;

namespace Gateway.Transforms.Caching;

/// <summary>Writes cached entries to the client and stamps <c>X-Cache</c> on every response of a caching route.</summary>
internal static class CacheReplay
{
    // Age values of the first hour, formatted once: a hit sends one of them.
    private static readonly string?[] Ages = new string?[3600];

    /// <summary>Marks a follower that received the leader's response instead of calling the upstream.</summary>
    public const string CoalescedHeader = "X-Cache-Coalesced";

    /// <summary>Registers the callback that sets <c>X-Cache</c> from the request's <see cref="GatewayRequest.CacheResult"/> when the response starts.</summary>
    /// <remarks>
    /// It must run at start: YARP's response transforms remove any <c>X-Cache</c> an upstream sent, and
    /// later stages may replace the response with a problem.
    /// </remarks>
    public static void StampOnStart(HttpContext context) =>
        context.Response.OnStarting(static state =>
        {
            var context = (HttpContext)state;
            if (context.GetGatewayRequest().CacheResult.HeaderValue() is { } value)
            {
                context.Response.Headers[GatewayHeaders.Cache] = value;
            }

            return Task.CompletedTask;
        }, context);

    /// <summary>Writes <paramref name="entry"/> as the response.</summary>
    /// <param name="context">The request.</param>
    /// <param name="entry">What to replay.</param>
    /// <param name="age">Time since it was stored, for <c>Age</c>; null for a coalesced miss.</param>
    public static Task WriteAsync(HttpContext context, CacheEntry entry, TimeSpan? age)
    {
        var response = context.Response;
        response.StatusCode = entry.StatusCode;
        var headers = entry.Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            response.Headers.Append(headers[i].Key, headers[i].Value);
        }

        if (age is { } elapsed)
        {
            response.Headers.Age = AgeValue((long)Math.Max(0, elapsed.TotalSeconds));
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

    private static string AgeValue(long seconds)
    {
        if (seconds >= Ages.Length)
        {
            return seconds.ToString(CultureInfo.InvariantCulture);
        }

        return Ages[seconds] ??= seconds.ToString(CultureInfo.InvariantCulture);
    }
}
