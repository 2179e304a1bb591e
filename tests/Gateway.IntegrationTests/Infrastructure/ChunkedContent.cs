using System.Net;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// A request body of unknown length: <see cref="TryComputeLength"/> says no, so <c>HttpClient</c> sends it with
/// <c>Transfer-Encoding: chunked</c> and no <c>Content-Length</c>, in pieces of <paramref name="chunkSize"/> bytes.
/// </summary>
public sealed class ChunkedContent(byte[] data, int chunkSize = 64 * 1024) : HttpContent
{
    /// <inheritdoc />
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < data.Length; offset += chunkSize)
        {
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(chunkSize, data.Length - offset)));
            await stream.FlushAsync();
        }
    }

    /// <inheritdoc />
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
