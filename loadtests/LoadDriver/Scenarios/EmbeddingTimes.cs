using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Transforms.Infrastructure.Diagnostics;
using HdrHistogram;
using LoadDriver.Load;

namespace LoadDriver.Scenarios;

/// <summary>
/// Every successful embedding of the in-process gateway (<c>gateway.cache.semantic.embedding.duration</c> with
/// <c>result="ok"</c>) recorded exactly, from <see cref="Start"/> on: the scraped histogram's buckets (5, 10, 25 ms)
/// are too coarse for the step's p50 and p95.
/// </summary>
internal sealed class EmbeddingTimes : IDisposable
{
    private const string Instrument = "gateway.cache.semantic.embedding.duration";

    private readonly MeterListener _listener = new();
    private readonly LongHistogram _histogram = LatencyHistogram.Create();
    private readonly Lock _gate = new();
    private long _from = long.MaxValue;

    public EmbeddingTimes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayMeter.Name && instrument.Name == Instrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Counts embeddings from <paramref name="delay"/> after now (the end of the warm-up).</summary>
    public void Start(TimeSpan delay) => Interlocked.Exchange(ref _from, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency));

    /// <summary>The embedding time at <paramref name="percentile"/> in milliseconds, NaN when none was recorded.</summary>
    public double Millis(double percentile)
    {
        lock (_gate)
        {
            return LatencyHistogram.Millis(_histogram, percentile);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (Stopwatch.GetTimestamp() < Interlocked.Read(ref _from))
        {
            return;
        }

        foreach (var tag in tags)
        {
            if (tag.Key == "result" && "ok".Equals(tag.Value))
            {
                lock (_gate)
                {
                    LatencyHistogram.Record(_histogram, (long)(seconds * 1_000_000));
                }

                return;
            }
        }
    }
}
