namespace Gateway.Transforms.Infrastructure.Audit;

/// <summary>Where <see cref="AuditTrail"/>'s single writer puts events.</summary>
internal interface IAuditSink : IAsyncDisposable
{
    /// <summary>The file's path, or <c>log</c>.</summary>
    string Destination { get; }

    /// <summary>Writes <paramref name="events"/> in order; <paramref name="durable"/> asks for them to reach the disk before returning.</summary>
    ValueTask WriteAsync(IEnumerable<AuditEvent> events, bool durable);
}
