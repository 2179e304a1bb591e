using System.Net;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// A chunked upload that sends <paramref name="prefix"/> and then stalls until <paramref name="resume"/> completes (then
/// sends <paramref name="rest"/>), the way a slow or hostile client holds an upload open.
/// </summary>
public sealed class StalledContent(byte[] prefix, Task resume, byte[]? rest = null) : HttpContent
{
    /// <summary>Completes once the prefix has been handed to the connection.</summary>
    public Task PrefixSent => _prefixSent.Task;

    private readonly TaskCompletionSource _prefixSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(prefix);
        await stream.FlushAsync();
        _prefixSent.TrySetResult();
        await resume;
        if (rest is not null)
        {
            await stream.WriteAsync(rest);
        }
    }

    /// <inheritdoc />
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
