using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>An error reply (<c>-ERR ...</c>, <c>-MOVED ...</c>) from a Redis node.</summary>
public sealed class RespErrorException(string message) : Exception(message);

/// <summary>
/// One RESP2 command to one Redis node over a fresh connection, for fixture bookkeeping (<c>CLUSTER NODES</c>,
/// <c>CLUSTER KEYSLOT</c>, <c>INFO</c>). Deliberately not cluster-aware: it asks exactly the node it is given, which is
/// what a test needs to check where a key really lives.
/// </summary>
public static class RespClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Sends <paramref name="command"/> to <c>127.0.0.1:port</c>. Returns a string (simple or bulk), a long (integer),
    /// null (null bulk) or an <c>object?[]</c> (array); an error reply throws <see cref="RespErrorException"/>.
    /// </summary>
    public static async Task<object?> SendAsync(int port, params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var timeout = new CancellationTokenSource(Timeout);
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        await using var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);
        var reader = new Reader(stream, timeout.Token);
        return await reader.ReadValueAsync();
    }

    /// <summary><see cref="SendAsync"/> for commands whose reply is text (<c>INFO</c>, <c>CLUSTER NODES</c>, <c>PING</c>).</summary>
    public static async Task<string> TextAsync(int port, params string[] command) =>
        await SendAsync(port, command) as string ?? throw new InvalidOperationException($"{string.Join(' ', command)}: no text reply from port {port}.");

    /// <summary>The <c>field:value</c> lines of a reply such as <c>INFO replication</c> or <c>CLUSTER INFO</c>.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> FieldsAsync(int port, params string[] command)
    {
        var text = await TextAsync(port, command);
        return text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#') && line.Contains(':', StringComparison.Ordinal))
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
    }

    private sealed class Reader(NetworkStream stream, CancellationToken cancellationToken)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<object?> ReadValueAsync()
        {
            var line = await ReadLineAsync();
            var payload = line[1..];
            switch (line[0])
            {
                case '+':
                    return payload;
                case '-':
                    throw new RespErrorException(payload);
                case ':':
                    return long.Parse(payload, CultureInfo.InvariantCulture);
                case '$':
                {
                    var length = int.Parse(payload, CultureInfo.InvariantCulture);
                    if (length < 0)
                    {
                        return null;
                    }

                    var bytes = await ReadExactlyAsync(length + 2);
                    return Encoding.UTF8.GetString(bytes, 0, length);
                }

                case '*':
                {
                    var count = int.Parse(payload, CultureInfo.InvariantCulture);
                    if (count < 0)
                    {
                        return null;
                    }

                    var items = new object?[count];
                    for (var i = 0; i < count; i++)
                    {
                        items[i] = await ReadValueAsync();
                    }

                    return items;
                }

                default:
                    throw new InvalidOperationException($"Unexpected RESP reply '{line}'.");
            }
        }

        private async Task<string> ReadLineAsync()
        {
            while (true)
            {
                var span = _buffer.AsSpan(_start, _end - _start);
                var newline = span.IndexOf("\r\n"u8);
                if (newline >= 0)
                {
                    var line = Encoding.UTF8.GetString(span[..newline]);
                    _start += newline + 2;
                    return line;
                }

                await FillAsync();
            }
        }

        private async Task<byte[]> ReadExactlyAsync(int count)
        {
            var result = new byte[count];
            var copied = 0;
            while (copied < count)
            {
                if (_start == _end)
                {
                    await FillAsync();
                }

                var take = Math.Min(count - copied, _end - _start);
                Array.Copy(_buffer, _start, result, copied, take);
                _start += take;
                copied += take;
            }

            return result;
        }

        private async Task FillAsync()
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidOperationException("RESP line longer than the read buffer.");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new IOException("The Redis node closed the connection.");
            }

            _end += read;
        }
    }
}
