using System.Net;

namespace Gateway.Tests.Caching.Semantic.Embeddings;

/// <summary>An HTTP handler that records each request and answers with a fixed status and body, optionally after a delay on a given clock.</summary>
internal sealed class StubHttpHandler(HttpStatusCode status, string body, TimeSpan delay = default, TimeProvider? time = null) : HttpMessageHandler
{
    /// <summary>Requests received, with their bodies read.</summary>
    public List<(HttpRequestMessage Request, string Body)> Received { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Received)
        {
            Received.Add((request, content));
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time ?? TimeProvider.System, cancellationToken);
        }

        return new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
    }
}
