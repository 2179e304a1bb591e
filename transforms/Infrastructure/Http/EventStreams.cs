namespace Gateway.Transforms.Infrastructure.Http;

/// <summary>Recognises server-sent-event answers (<c>text/event-stream</c>), which stages treat as streams rather than bodies.</summary>
internal static class EventStreams
{
    /// <summary>The server-sent-events media type.</summary>
    public const string MediaType = "text/event-stream";

    /// <summary>Whether <paramref name="contentType"/> is <c>text/event-stream</c> (parameters allowed).</summary>
    public static bool Is(string? contentType) =>
        contentType is not null && contentType.AsSpan().TrimStart().StartsWith(MediaType, StringComparison.OrdinalIgnoreCase);
}
