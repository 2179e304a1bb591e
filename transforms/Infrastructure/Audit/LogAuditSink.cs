using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Gateway.Transforms.Infrastructure.Audit;

/// <summary>Writes each event to the log (category <c>Gateway.Audit</c>): the main fields as properties, the whole event as JSON.</summary>
internal sealed partial class LogAuditSink(ILogger logger) : IAuditSink
{
    /// <inheritdoc />
    public string Destination => "log";

    /// <inheritdoc />
    public ValueTask WriteAsync(IEnumerable<AuditEvent> events, bool durable)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return ValueTask.CompletedTask;
        }

        foreach (var e in events)
        {
            var json = JsonSerializer.Serialize(e, AuditTrail.Json);
            LogEvent(logger, e.Action, e.TargetTenant, e.Actor?.Subject, e.Outcome, json);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Audit {Action} on {TargetTenant} by {Subject}: {Result} {Event}")]
    private static partial void LogEvent(ILogger logger, string action, string? targetTenant, string? subject, string result, string @event);
}
