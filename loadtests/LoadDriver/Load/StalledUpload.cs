using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LoadDriver.Load;

/// <summary>
/// One hostile upload over a raw socket: a chunked <c>POST /query</c> whose body arrives in 64 KB pieces every 10 ms
/// up to the payload's size and then never ends; it waits for whatever the server answers (<c>HttpClient</c> would
/// not hand over an answer before its body is sent) and sends nothing more once an answer has come. Returns the
/// answer's outcome, or null when <c>stop</c> came first and the upload was still held open.
/// </summary>
internal static class StalledUpload
{
    private const int Piece = 64 * 1024;
    private static readonly TimeSpan PieceInterval = TimeSpan.FromMilliseconds(10);
    private static readonly byte[] Opening = "{\"query\":\""u8.ToArray();

    public static async Task<QueryOutcome?> SendAsync(Uri target, string token, byte[] payload, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(payload);
        using var socket = new TcpClient { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target.Host, target.Port, stop);
            var stream = socket.GetStream();
            var head = $"POST /query HTTP/1.1\r\nHost: {target.Authority}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n" +
                "Transfer-Encoding: chunked\r\n\r\n" + (Opening.Length + payload.Length).ToString("x", CultureInfo.InvariantCulture) + "\r\n";
            var reading = ReadAnswerAsync(stream, stop);
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop);
                await stream.WriteAsync(Opening, stop);
                for (var offset = 0; offset < payload.Length && !reading.IsCompleted; offset += Piece)
                {
                    await stream.WriteAsync(payload.AsMemory(offset, Math.Min(Piece, payload.Length - offset)), stop);
                    await Task.Delay(PieceInterval, stop);
                }
            }
            catch (IOException)
            {
                // The server answered and closed before taking the whole body; its answer is still readable.
            }

            return await reading;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return QueryOutcome.Transport;
        }
    }

    private static async Task<QueryOutcome> ReadAnswerAsync(NetworkStream stream, CancellationToken stop)
    {
        var received = new List<byte>(1024);
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, stop);
            if (read == 0)
            {
                return Parse(received) ?? QueryOutcome.Transport;
            }

            received.AddRange(buffer.AsSpan(0, read));
            if (Parse(received) is { } outcome)
            {
                return outcome;
            }
        }
    }

    // The status line is enough: the problem body does not matter to the attacker's tally.
    private static QueryOutcome? Parse(List<byte> received)
    {
        var text = Encoding.ASCII.GetString(received.ToArray());
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        if (end < 0 || !text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
        {
            return null;
        }

        var status = int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture);
        return new QueryOutcome(status, QueryOutcome.Classify(status), null, null, false);
    }
}
