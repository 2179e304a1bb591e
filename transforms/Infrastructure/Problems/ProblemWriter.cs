using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Transforms.Infrastructure.Problems;

/// <summary>Writes RFC 9457 <c>application/problem+json</c> bodies with a stable type per <see cref="ProblemKind"/>.</summary>
public static class ProblemWriter
{
    /// <summary>Base of every problem type URI.</summary>
    public const string TypeBase = "https://tenant-gateway.dev/problems/";

    /// <summary>The problem media type.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>Largest declared body a refusal leaves on a kept-alive connection (Kestrel drains it); larger or chunked: closed.</summary>
    public const long SmallBodyBytes = 16 * 1024;

    /// <summary>Stable type URI of <paramref name="kind"/>.</summary>
    public static string TypeOf(ProblemKind kind) => TypeBase + Slug(kind);

    /// <summary>HTTP status of <paramref name="kind"/>.</summary>
    public static int StatusOf(ProblemKind kind) => kind switch
    {
        ProblemKind.BadRequest => StatusCodes.Status400BadRequest,
        ProblemKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
        ProblemKind.NotFound => StatusCodes.Status404NotFound,
        ProblemKind.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        ProblemKind.RequestTimeout => StatusCodes.Status408RequestTimeout,
        ProblemKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ProblemKind.RateLimited => StatusCodes.Status429TooManyRequests,
        ProblemKind.UpstreamError => StatusCodes.Status502BadGateway,
        ProblemKind.Shed => StatusCodes.Status503ServiceUnavailable,
        ProblemKind.BufferFull => StatusCodes.Status503ServiceUnavailable,
        ProblemKind.StoreUnavailable => StatusCodes.Status503ServiceUnavailable,
        ProblemKind.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>
    /// Replaces whatever response was being prepared with a problem body. Must be called before the response has started.
    /// </summary>
    public static Task WriteAsync(
        HttpContext context,
        ProblemKind kind,
        string detail,
        string? tenant = null,
        string? tier = null,
        IReadOnlyDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Response.HasStarted
            ? WriteBodyAsync(context, kind, [])
            : WriteBodyAsync(context, kind, Serialize(kind, detail, context.Request.Path.Value, tenant, tier, extensions));
    }

    /// <summary>
    /// As <see cref="WriteAsync"/>, with a body <see cref="Serialize"/> made before: for refusals answered so often that
    /// their bodies are kept (<see cref="ProblemBodies{TKey}"/>). The bytes must be exactly what <see cref="Serialize"/>
    /// gives for this request.
    /// </summary>
    internal static Task WriteBodyAsync(HttpContext context, ProblemKind kind, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        Reset(response);

        if (HasLargeUnreadBody(context))
        {
            // Kestrel would otherwise keep reading (draining) a body nobody wants, for as long as the client sends it.
            response.Headers.Connection = "close";
        }

        response.StatusCode = StatusOf(kind);
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        response.ContentLength = body.Length;

        // The request-abort token may be the tier deadline that has just fired; the problem must still go out.
        return response.Body.WriteAsync(body, CancellationToken.None).AsTask();
    }

    /// <summary>
    /// The refused request came with a body of unknown size (chunked) or over <see cref="SmallBodyBytes"/> that no stage
    /// read. A small declared body is cheaper to drain than a new connection.
    /// </summary>
    private static bool HasLargeUnreadBody(HttpContext context)
    {
        var request = context.Request;
        var large = request.ContentLength is { } length ? length > SmallBodyBytes : request.Headers.TransferEncoding.Count > 0;
        return large && context.Features.Get<Context.GatewayRequest>()?.BufferedBody is null;
    }

    /// <summary>The problem+json body of <paramref name="kind"/> for a request to <paramref name="instance"/>.</summary>
    internal static byte[] Serialize(ProblemKind kind, string detail, string? instance, string? tenant, string? tier, IReadOnlyDictionary<string, object?>? extensions)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", TypeOf(kind));
            writer.WriteString("title", TitleOf(kind));
            writer.WriteNumber("status", StatusOf(kind));
            writer.WriteString("detail", detail);
            if (!string.IsNullOrEmpty(instance))
            {
                writer.WriteString("instance", instance);
            }

            if (tenant is not null)
            {
                writer.WriteString("tenant", tenant);
            }

            if (tier is not null)
            {
                writer.WriteString("tier", tier);
            }

            if (extensions is not null)
            {
                foreach (var (name, value) in extensions)
                {
                    writer.WritePropertyName(name);
                    JsonSerializer.Serialize(writer, value);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// What <c>HttpResponse.Clear()</c> does, except for the headers earlier stages set for the error too: rate-limit and
    /// retry hints, the bearer challenge, the allowed methods, <c>X-Cache</c> and a <c>Connection: close</c>. Removes in place rather than
    /// clearing and copying back, so a response with nothing to drop costs nothing.
    /// </summary>
    private static void Reset(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        if (response.HttpContext.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            feature.ReasonPhrase = null;
        }

        var headers = response.Headers;
        if (headers.Count > 0)
        {
            List<string>? doomed = null;
            foreach (var header in headers)
            {
                if (!IsPreserved(header.Key))
                {
                    (doomed ??= []).Add(header.Key);
                }
            }

            if (doomed is not null)
            {
                foreach (var name in doomed)
                {
                    headers.Remove(name);
                }
            }
        }

        if (response.Body.CanSeek)
        {
            response.Body.SetLength(0);
        }
    }

    private static bool IsPreserved(string name) =>
        name.StartsWith("RateLimit", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)
        || name.Equals("WWW-Authenticate", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Allow", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Cache", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase);

    private static string Slug(ProblemKind kind) => kind switch
    {
        ProblemKind.BadRequest => "bad-request",
        ProblemKind.Unauthorized => "unauthorized",
        ProblemKind.Forbidden => "forbidden",
        ProblemKind.NotFound => "not-found",
        ProblemKind.MethodNotAllowed => "method-not-allowed",
        ProblemKind.RequestTimeout => "request-timeout",
        ProblemKind.PayloadTooLarge => "payload-too-large",
        ProblemKind.RateLimited => "rate-limited",
        ProblemKind.UpstreamError => "upstream-error",
        ProblemKind.Shed => "shed",
        ProblemKind.BufferFull => "buffer-full",
        ProblemKind.StoreUnavailable => "store-unavailable",
        ProblemKind.Timeout => "tier-timeout",
        _ => "internal-error",
    };

    private static string TitleOf(ProblemKind kind) => kind switch
    {
        ProblemKind.BadRequest => "Bad request",
        ProblemKind.Unauthorized => "Unauthorized",
        ProblemKind.Forbidden => "Forbidden",
        ProblemKind.NotFound => "Not found",
        ProblemKind.MethodNotAllowed => "Method not allowed",
        ProblemKind.RequestTimeout => "Request body not received in time",
        ProblemKind.PayloadTooLarge => "Request body too large",
        ProblemKind.RateLimited => "Tenant rate limit exceeded",
        ProblemKind.UpstreamError => "Upstream error",
        ProblemKind.Shed => "Request shed to protect the tier deadline",
        ProblemKind.BufferFull => "Request body buffer full",
        ProblemKind.StoreUnavailable => "Shared store unavailable",
        ProblemKind.Timeout => "Tier timeout exceeded",
        _ => "Internal error",
    };
}
