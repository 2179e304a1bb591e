using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Infrastructure.Audit;

/// <summary>
/// The audit trail: admin actions (recorded by the host) and, for tenants with <c>AuditCacheAccess</c>, their cache
/// lookups (recorded by the edge). Events are written in order by one writer, as JSON lines appended to
/// <c>Gateway:Audit:Path</c> (flushed after each batch) or, without a path, to the log. An admin action's
/// <see cref="RecordAsync"/> returns once its line is written; a cache lookup's event is queued and never makes the
/// request wait: when the queue is full it is dropped and counted in <c>gateway.audit.dropped</c>.
/// </summary>
public sealed partial class AuditTrail : IAsyncDisposable
{
    /// <summary>Events waiting to be written before cache lookups are dropped.</summary>
    public const int QueueCapacity = 10_000;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly IAuditSink _sink;
    private readonly TimeProvider _time;
    private readonly Counter<long> _dropped;
    private readonly Task _writer;

    /// <summary>Starts the writer over <paramref name="sink"/>.</summary>
    internal AuditTrail(IAuditSink sink, TimeProvider time, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(time);
        _sink = sink;
        _time = time;
        _dropped = GatewayMeter.Create(meterFactory).CreateCounter<long>("gateway.audit.dropped", "{event}",
            "Audit events of cache lookups dropped because the writer fell behind.");
        _writer = Task.Run(WriteAllAsync);
    }

    /// <summary>Where events go: the file's path, or <c>log</c>.</summary>
    public string Destination => _sink.Destination;

    /// <summary>Records <paramref name="auditEvent"/>; completes once it has been written (flushed to the file, or logged).</summary>
    public async ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Pending(auditEvent, written), cancellationToken).ConfigureAwait(false);
        await written.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues the audit event of a finished cache lookup of <paramref name="request"/>'s tenant; never waits.</summary>
    internal void CacheAccess(GatewayRequest request, string keyHash)
    {
        var auditEvent = new AuditEvent(
            _time.GetUtcNow(),
            "cache.access",
            AuditResults.Ok,
            Status: null,
            new AuditActor(request.Subject, request.TenantId),
            Scope: null,
            request.TenantId,
            new Dictionary<string, object?>
            {
                ["route"] = request.RouteId,
                ["lookup"] = request.CacheResult.Label(),
                ["key_hash"] = keyHash,
            });
        if (!_queue.Writer.TryWrite(new Pending(auditEvent, null)) && _dropped.Enabled)
        {
            _dropped.Add(1, new KeyValuePair<string, object?>("tenant", request.TenantLabel));
        }
    }

    /// <summary>Writes what is queued and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _sink.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WriteAllAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < 256 && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await _sink.WriteAsync(batch.Select(p => p.Event), durable: batch.Exists(p => p.Written is not null)).ConfigureAwait(false);
                foreach (var pending in batch)
                {
                    pending.Written?.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                foreach (var pending in batch)
                {
                    pending.Written?.TrySetException(ex);
                }
            }

            batch.Clear();
        }
    }

    private sealed record Pending(AuditEvent Event, TaskCompletionSource? Written);
}
