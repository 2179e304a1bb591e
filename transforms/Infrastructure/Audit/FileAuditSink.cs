using System.Text.Json;

namespace Gateway.Transforms.Infrastructure.Audit;

/// <summary>
/// Appends each event as one JSON line to a file, opened once for appending (shared for reading, so the file can be
/// tailed and shipped while the gateway runs). Lines are written by <see cref="AuditTrail"/>'s single writer, so they never
/// interleave; each batch is flushed, and synced to disk when it holds an admin action.
/// </summary>
internal sealed class FileAuditSink : IAuditSink
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly FileStream _file;

    /// <summary>Opens (or creates) <paramref name="path"/> for appending.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be written.</exception>
    public FileAuditSink(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Destination = Path.GetFullPath(path);
        _file = new FileStream(Destination, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 16 * 1024, useAsync: true);
    }

    /// <inheritdoc />
    public string Destination { get; }

    /// <inheritdoc />
    public async ValueTask WriteAsync(IEnumerable<AuditEvent> events, bool durable)
    {
        foreach (var auditEvent in events)
        {
            await _file.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditTrail.Json)).ConfigureAwait(false);
            await _file.WriteAsync(NewLine).ConfigureAwait(false);
        }

        await _file.FlushAsync().ConfigureAwait(false);
        if (durable)
        {
            _file.Flush(flushToDisk: true);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
