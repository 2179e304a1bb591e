using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// HTTP/1.1 written by hand on a socket, for requests <c>HttpClient</c> would not send as written: a target with a
/// double slash or an encoded slash kept verbatim, a chunked body that stops half way and never ends.
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawHttp(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>The status, headers (names lower-case) and body of an answer.</summary>
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        /// <summary>The value of <paramref name="name"/>, or null.</summary>
        public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
    }

    /// <summary>Opens a connection to <paramref name="server"/>.</summary>
    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(server.Host, server.Port);
        return new RawHttp(client);
    }

    /// <summary>Sends <c>method target</c> with <paramref name="headers"/> and, when given, a body with its Content-Length; reads the answer.</summary>
    public static async Task<Answer> SendAsync(Uri server, string method, string target, IEnumerable<(string Name, string Value)> headers, string? body = null)
    {
        await using var connection = await ConnectAsync(server);
        var all = headers.ToList();
        if (body is not null)
        {
            all.Add(("Content-Length", Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await connection.WriteHeadAsync(method, target, server, all);
        if (body is not null)
        {
            await connection.WriteAsync(body);
        }

        return await connection.ReadAnswerAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Writes the request line and headers (with <c>Host</c> and <c>Connection: close</c>) and the blank line.</summary>
    public Task WriteHeadAsync(string method, string target, Uri server, IEnumerable<(string Name, string Value)> headers)
    {
        ArgumentNullException.ThrowIfNull(server);
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        var list = headers.ToList();
        if (!list.Any(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Host: ").Append(server.Authority).Append("\r\n");
        }

        foreach (var (name, value) in list)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        return WriteAsync(head.ToString());
    }

    /// <summary>Writes raw text (for example a chunk: <c>"5\r\nhello\r\n"</c>).</summary>
    public async Task WriteAsync(string text)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await _stream.FlushAsync();
    }

    /// <summary>Reads one answer (Content-Length, chunked, or to the end of the connection); throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<Answer> ReadAnswerAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int headEnd;
            while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8)) < 0)
            {
                var read = await _stream.ReadAsync(chunk, cancel.Token);
                if (read == 0)
                {
                    throw new IOException("The connection closed before the response headers.");
                }

                buffer.Write(chunk, 0, read);
            }

            var all = buffer.ToArray();
            var lines = Encoding.ASCII.GetString(all, 0, headEnd).Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var name = line[..colon].Trim().ToLowerInvariant();
                var value = line[(colon + 1)..].Trim();
                headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
            }

            var body = new MemoryStream();
            body.Write(all, headEnd + 4, all.Length - headEnd - 4);
            var length = headers.TryGetValue("content-length", out var declared) ? long.Parse(declared, System.Globalization.CultureInfo.InvariantCulture) : (long?)null;
            var chunked = headers.TryGetValue("transfer-encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            while (length is null ? !(chunked && IndexOf(body, "0\r\n\r\n"u8) >= 0) : body.Length < length)
            {
                var read = await _stream.ReadAsync(chunk, cancel.Token);
                if (read == 0)
                {
                    break;
                }

                body.Write(chunk, 0, read);
            }

            return new Answer(status, headers, Encoding.UTF8.GetString(body.ToArray()));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"No complete answer within {timeout.TotalSeconds} s (read so far: {Encoding.UTF8.GetString(buffer.ToArray())}).");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private static int IndexOf(MemoryStream stream, ReadOnlySpan<byte> value) => stream.GetBuffer().AsSpan(0, (int)stream.Length).IndexOf(value);
}
