using System.Diagnostics.Tracing;

namespace Gateway.Benchmarks.Pipeline;

/// <summary>
/// Which types a stretch of code allocates: listens to the runtime's GC AllocationTick events (one sample per ~100 KB
/// allocated, naming the type that crossed the mark), so the big spenders on a path show up by name.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _samples = new(StringComparer.Ordinal);
    private volatile bool _recording;

    /// <summary>Samples by type name, most first.</summary>
    public IEnumerable<KeyValuePair<string, long>> Top
    {
        get
        {
            lock (_samples)
            {
                return _samples.OrderByDescending(p => p.Value).ToList();
            }
        }
    }

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || !eventData.EventName!.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var index = eventData.PayloadNames!.IndexOf("TypeName");
        var type = index >= 0 ? eventData.Payload[index] as string ?? "?" : "?";
        lock (_samples)
        {
            _samples[type] = _samples.GetValueOrDefault(type) + 1;
        }
    }
}
