using System.Net;
using System.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Benchmarks.Pipeline;

/// <summary>
/// The upstream of the in-process benchmark: YARP's forwarder runs in full (request and response transforms,
/// header copying, body streaming), but its HTTP client answers at once with a fixed 1 KB JSON document.
/// </summary>
internal sealed class CannedUpstream : IForwarderHttpClientFactory
{
    /// <summary>The answer's body.</summary>
    public static readonly byte[] Answer = System.Text.Encoding.UTF8.GetBytes(
        "{\"tenant_id\":\"bench\",\"answer\":\"" + new string('a', 990) + "\"}");

    public HttpMessageInvoker CreateClient(ForwarderHttpClientContext context) => new(new Handler(), disposeHandler: true);

    private sealed class Handler : HttpMessageHandler
    {
        private static readonly MediaTypeHeaderValue Json = new("application/json");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                // Drain the forwarded body, as a real upstream reads it.
                await content.CopyToAsync(Stream.Null, cancellationToken);
            }

            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new ByteArrayContent(Answer),
            };
            response.Content.Headers.ContentType = Json;
            response.Content.Headers.ContentLength = Answer.Length; // sent as a header, as a real server does
            return response;
        }
    }
}
