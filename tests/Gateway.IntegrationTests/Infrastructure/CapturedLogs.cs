using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>One log line a test gateway wrote.</summary>
public sealed record CapturedLog(DateTimeOffset Timestamp, string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    /// <inheritdoc />
    public override string ToString() => $"{Timestamp:HH:mm:ss.fff} {Level} {Category}: {Message}";
}

/// <summary>
/// An <see cref="ILoggerProvider"/> that keeps every message it receives, so tests can assert on log lines
/// (for example the reload rejection naming the offending key) without writing them to the console.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    /// <summary>Everything logged so far, oldest first.</summary>
    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    /// <summary>Entries at <paramref name="level"/> or above whose message contains <paramref name="text"/> (ordinal).</summary>
    public IReadOnlyList<CapturedLog> Find(string text, LogLevel level = LogLevel.Trace) =>
        [.. _entries.Where(e => e.Level >= level && e.Message.Contains(text, StringComparison.Ordinal))];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new CapturedLog(DateTimeOffset.UtcNow, category, logLevel, eventId, formatter(state, exception), exception));
    }
}
