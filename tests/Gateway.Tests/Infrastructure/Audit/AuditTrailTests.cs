using System.Text.Json;
using Gateway.Tests.Support;
using Gateway.Transforms.Infrastructure.Audit;
using Gateway.Transforms.Infrastructure.Context;
using Gateway.Transforms.Infrastructure.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Infrastructure.Audit;

public sealed class AuditTrailTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly TestMeters _meters = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("audit-unit-").FullName;

    [Fact]
    public async Task RecordAsync_ManyWritersAtOnce_OneWholeJsonLinePerEventInTheFile()
    {
        // Arrange
        var path = Path.Combine(_directory, "audit.jsonl");
        await using (var trail = new AuditTrail(new FileAuditSink(path), _time, _meters.Factory))
        {
            // Act: 400 events from 8 concurrent writers.
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    await trail.RecordAsync(Event($"w{w}-{i}"));
                }
            })));
        }

        // Assert
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(400, lines.Length);
        var targets = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("target_tenant").GetString()).ToHashSet();
        Assert.Equal(400, targets.Count);
    }

    [Fact]
    public async Task RecordAsync_Returned_LineAlreadyInTheFile()
    {
        // Arrange
        var path = Path.Combine(_directory, "audit.jsonl");
        await using var trail = new AuditTrail(new FileAuditSink(path), _time, _meters.Factory);

        // Act
        await trail.RecordAsync(Event("acme"));

        // Assert: read while the trail is still open (the file is shared for reading).
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var line = JsonDocument.Parse(await reader.ReadLineAsync() ?? "{}").RootElement;
        Assert.Equal("burst.grant", line.GetProperty("action").GetString());
        Assert.Equal("ok", line.GetProperty("result").GetString());
        Assert.Equal("operator", line.GetProperty("actor").GetProperty("subject").GetString());
        Assert.Equal(2, line.GetProperty("parameters").GetProperty("factor").GetDouble());
        Assert.False(line.TryGetProperty("reason", out _), "nulls are left out");
    }

    [Fact]
    public async Task RecordAsync_ExistingFile_Appended()
    {
        // Arrange
        var path = Path.Combine(_directory, "audit.jsonl");
        await File.WriteAllTextAsync(path, "{\"earlier\":true}\n");

        // Act
        await using (var trail = new AuditTrail(new FileAuditSink(path), _time, _meters.Factory))
        {
            await trail.RecordAsync(Event("acme"));
        }

        // Assert
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(2, lines.Length);
        Assert.Equal("{\"earlier\":true}", lines[0]);
    }

    [Fact]
    public async Task CacheAccess_WriterFallsBehind_DroppedAndCountedNeverBlocking()
    {
        // Arrange: a sink that never finishes its first batch.
        using var dropped = new MetricCollector<long>(_meters.Factory, GatewayMeter.Name, "gateway.audit.dropped");
        var sink = new StuckSink();
        var trail = new AuditTrail(sink, _time, _meters.Factory);
        var request = TestRequests.Arrive(new TestGatewaySettings().Current, _time, TestGatewaySettings.Gold).State();

        // Act
        for (var i = 0; i < AuditTrail.QueueCapacity + 300; i++)
        {
            trail.CacheAccess(request, "ab12");
        }

        // Assert: whatever the writer took, at least 256 beyond the queue's capacity were dropped, none waited.
        Assert.InRange(dropped.GetMeasurementSnapshot().Sum(m => m.Value), 300 - 256, 300);
        sink.Release.SetResult();
        await trail.DisposeAsync();
    }

    public void Dispose()
    {
        _meters.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private AuditEvent Event(string target) => new(
        _time.GetUtcNow(), "burst.grant", AuditResults.Ok, 200, new AuditActor("operator", null), "gateway:admin", target,
        new Dictionary<string, object?> { ["factor"] = 2.0, ["duration_seconds"] = 3600 });

    private sealed class StuckSink : IAuditSink
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Destination => "stuck";

        public async ValueTask WriteAsync(IEnumerable<AuditEvent> events, bool durable) => await Release.Task;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
