using System.Diagnostics.Metrics;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Counts the measurements one gateway instance records on one instrument (other gateways in the process are ignored).</summary>
public sealed class MeasurementCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    /// <summary>Starts counting <paramref name="instrument"/> of <paramref name="gateway"/>, only measurements tagged <paramref name="tag"/> when given.</summary>
    public MeasurementCounter(GatewayInstance gateway, string instrument, KeyValuePair<string, string>? tag = null)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var factory = gateway.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (published, listener) =>
        {
            // Meters from IMeterFactory carry the factory as their scope.
            if (published.Name == instrument && ReferenceEquals(published.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Record(tags, tag));
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Record(tags, tag));
        _listener.Start();
    }

    /// <summary>Measurements so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags, KeyValuePair<string, string>? wanted)
    {
        if (wanted is { } filter)
        {
            var found = false;
            foreach (var (key, value) in tags)
            {
                found |= key == filter.Key && value as string == filter.Value;
            }

            if (!found)
            {
                return;
            }
        }

        Interlocked.Increment(ref _count);
    }
}
