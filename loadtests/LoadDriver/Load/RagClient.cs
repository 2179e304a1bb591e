using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LoadDriver.Load;

/// <summary>
/// The driver's HTTP side: <c>POST /query</c> and the two admin calls, against one base URL over a single
/// connection pool with no per-server connection cap (an open-loop generator must never queue in the client).
/// </summary>
internal sealed class RagClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    public RagClient(Uri baseAddress, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        BaseAddress = baseAddress;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("tenant-gateway-loaddriver/1.0");
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
    }

    public Uri BaseAddress { get; }

    /// <summary>Sends one query; never throws except for <paramref name="cancellationToken"/>.</summary>
    /// <param name="configure">Adds headers (a hint for the simulator, a streaming <c>Accept</c>).</param>
    public async Task<QueryOutcome> QueryAsync(string token, string query, CancellationToken cancellationToken, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "query") { Content = QueryBody(query) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        configure?.Invoke(request);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var status = (int)response.StatusCode;
            var kind = QueryOutcome.Classify(status);
            if (kind == OutcomeKind.Ok)
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var cache = response.Headers.TryGetValues("X-Cache", out var values) ? values.FirstOrDefault()?.ToUpperInvariant() : null;
                return new QueryOutcome(status, kind, cache, StringProperty(body, "tenant_id"u8), false) { SemanticMatch = response.Headers.Contains("X-Cache-Match") };
            }

            var limitHeadersOk = kind == OutcomeKind.Throttled
                && response.Headers.Contains("Retry-After")
                && response.Headers.Contains("RateLimit-Policy")
                && response.Headers.Contains("RateLimit");
            var reason = kind is OutcomeKind.Throttled or OutcomeKind.Shed
                ? StringProperty(await response.Content.ReadAsByteArrayAsync(cancellationToken), "reason"u8)
                : null;
            return new QueryOutcome(status, kind, null, null, limitHeadersOk) { Reason = reason };
        }
        catch (HttpRequestException)
        {
            return QueryOutcome.Transport;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout: the client gave up, which the report counts as a transport error.
            return QueryOutcome.Transport;
        }
    }

    /// <summary><c>POST /admin/cache/invalidate</c>; returns the status and the JSON body of a 200.</summary>
    public async Task<(int Status, JsonObject? Body)> InvalidateAsync(string tenantId, string token, CancellationToken cancellationToken)
    {
        var payload = new JsonObject { ["tenant_id"] = tenantId }.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/cache/invalidate")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await SendJsonAsync(request, cancellationToken);
    }

    /// <summary><c>GET /admin/cache/metrics/{tenant}</c>.</summary>
    public async Task<(int Status, JsonObject? Body)> CacheMetricsAsync(string tenantId, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"admin/cache/metrics/{Uri.EscapeDataString(tenantId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await SendJsonAsync(request, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<(int Status, JsonObject? Body)> SendJsonAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (status != 200)
            {
                return (status, null);
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                return (status, JsonNode.Parse(text) as JsonObject);
            }
            catch (JsonException)
            {
                return (status, null);
            }
        }
        catch (HttpRequestException)
        {
            return (0, null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, null);
        }
    }

    private static ByteArrayContent QueryBody(string query)
    {
        var buffer = new ArrayBufferWriter<byte>(query.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("query", query);
            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = Json;
        return content;
    }

    /// <summary>A top-level string property of a JSON body (<c>tenant_id</c> of an answer, <c>reason</c> of a problem), or null.</summary>
    internal static string? StringProperty(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isWanted = reader.ValueTextEquals(name);
                reader.Read();
                if (isWanted)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
