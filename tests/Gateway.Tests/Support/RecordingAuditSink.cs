using System.Collections.Concurrent;
using Gateway.Transforms.Infrastructure.Audit;

namespace Gateway.Tests.Support;

/// <summary>An audit sink that keeps what it is given.</summary>
internal sealed class RecordingAuditSink : IAuditSink
{
    private readonly ConcurrentQueue<AuditEvent> _events = new();

    public string Destination => "memory";

    public IReadOnlyList<AuditEvent> Events => [.. _events];

    public ValueTask WriteAsync(IEnumerable<AuditEvent> events, bool durable)
    {
        foreach (var auditEvent in events)
        {
            _events.Enqueue(auditEvent);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
