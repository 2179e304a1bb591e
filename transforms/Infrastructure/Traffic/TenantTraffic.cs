using System.Collections.Concurrent;
using Gateway.Config.Reload;
using Gateway.Config.Settings;
using Gateway.Transforms.Infrastructure.Context;

namespace Gateway.Transforms.Infrastructure.Traffic;

/// <summary>
/// The recent traffic of each configured tenant on this node, for the operator console: a ring of
/// <see cref="Slots"/> intervals of <see cref="Resolution"/> (ten minutes) per tenant, each counting requests, refusals,
/// cache hits and misses, SLA results and a latency histogram (<see cref="LatencyBins"/>). Fed by the edge as each proxied
/// request finishes; about 30 KB per tenant with traffic, tenants outside the configured table are not kept.
/// </summary>
/// <remarks>
/// Per node on purpose: rate, p95 and SLA are what this node measured. Figures shared by every node (cache bytes, hits and
/// misses, grants) come from the store instead.
/// </remarks>
public sealed class TenantTraffic
{
    /// <summary>Length of one interval.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromSeconds(5);

    /// <summary>Intervals kept per tenant.</summary>
    public const int Slots = 120;

    /// <summary>How far back the history reaches.</summary>
    public static readonly TimeSpan HistoryLength = Resolution * Slots;

    /// <summary>Window of the current request rate.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    /// <summary>Window of the current p95 latency.</summary>
    public static readonly TimeSpan LatencyWindow = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, TrafficBucket[]> _tenants = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _ticksPerSlot;

    /// <summary>Creates the recorder; tenants that leave the configured table are forgotten on reload.</summary>
    internal TenantTraffic(IGatewaySettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _ticksPerSlot = (long)(Resolution.TotalSeconds * time.TimestampFrequency);
        settings.Changed += Retain;
    }

    /// <summary>
    /// Counts one finished request of configured tenant <paramref name="tenantId"/>: <paramref name="withinSla"/> is null for
    /// requests the SLA does not count (refusals, rejections), whose latency is not recorded either.
    /// </summary>
    internal void Record(string tenantId, bool refused, CacheResult cache, bool? withinSla, double seconds)
    {
        var ring = _tenants.GetOrAdd(tenantId, static _ => NewRing());
        var index = _time.GetTimestamp() / _ticksPerSlot;
        var bucket = ring[Slot(index)];
        lock (bucket)
        {
            if (bucket.Index != index)
            {
                bucket.Reset(index);
            }

            bucket.Requests++;
            bucket.Refused += refused ? 1 : 0;
            bucket.Hits += cache == CacheResult.Hit ? 1 : 0;
            bucket.Misses += cache == CacheResult.Miss ? 1 : 0;
            if (withinSla is { } within)
            {
                if (within)
                {
                    bucket.WithinSla++;
                }
                else
                {
                    bucket.OverSla++;
                }

                bucket.Latency[LatencyBins.Of(seconds)]++;
            }
        }
    }

    /// <summary>The tenant's current rate, p95 and ten-minute figures on this node (all zero when it had no traffic).</summary>
    public TenantTrafficSnapshot Snapshot(string tenantId)
    {
        var now = _time.GetTimestamp();
        var utcNow = _time.GetUtcNow();
        return new TenantTrafficSnapshot(
            Window(tenantId, now, utcNow, RateWindow),
            Window(tenantId, now, utcNow, LatencyWindow),
            Window(tenantId, now, utcNow, HistoryLength));
    }

    /// <summary>The last <see cref="HistoryLength"/> of the tenant on this node, one sample per interval, oldest first, the current (partial) interval last.</summary>
    public IReadOnlyList<TrafficSample> History(string tenantId)
    {
        var now = _time.GetTimestamp();
        var utcNow = _time.GetUtcNow();
        var current = now / _ticksPerSlot;
        var samples = new List<TrafficSample>(Slots);
        _tenants.TryGetValue(tenantId, out var ring);
        for (var index = current - Slots + 1; index <= current; index++)
        {
            var accumulator = new Accumulator();
            if (ring is not null)
            {
                accumulator.Add(ring[Slot(index)], index);
            }

            samples.Add(accumulator.ToSample(Start(index, now, utcNow), Counted(index, current, now)));
        }

        return samples;
    }

    private TrafficSample Window(string tenantId, long now, DateTimeOffset utcNow, TimeSpan length)
    {
        var current = now / _ticksPerSlot;
        var slots = Math.Min((long)Math.Ceiling(length / Resolution), Slots - 1);
        var first = current - slots;
        var accumulator = new Accumulator();
        double seconds = 0;
        _tenants.TryGetValue(tenantId, out var ring);
        for (var index = first; index <= current; index++)
        {
            seconds += Counted(index, current, now);
            if (ring is not null)
            {
                accumulator.Add(ring[Slot(index)], index);
            }
        }

        // Whole intervals plus the part of the current one that has elapsed; at most Slots - 1 whole ones, since the
        // current interval reuses the oldest one's slot.
        return accumulator.ToSample(Start(first, now, utcNow), seconds);
    }

    private double Counted(long index, long current, long now) =>
        index < current ? Resolution.TotalSeconds : (double)(now - (current * _ticksPerSlot)) / _time.TimestampFrequency;

    private DateTimeOffset Start(long index, long now, DateTimeOffset utcNow) =>
        utcNow - TimeSpan.FromSeconds((double)(now - (index * _ticksPerSlot)) / _time.TimestampFrequency);

    private void Retain(GatewaySettings settings)
    {
        foreach (var tenantId in _tenants.Keys)
        {
            if (!settings.Table.IsKnownTenant(tenantId))
            {
                _tenants.TryRemove(tenantId, out _);
            }
        }
    }

    private static long Slot(long index) => ((index % Slots) + Slots) % Slots;

    private static TrafficBucket[] NewRing()
    {
        var ring = new TrafficBucket[Slots];
        for (var i = 0; i < ring.Length; i++)
        {
            ring[i] = new TrafficBucket();
        }

        return ring;
    }

    /// <summary>Sums buckets under their locks.</summary>
    private sealed class Accumulator
    {
        private readonly int[] _latency = new int[LatencyBins.Count];
        private long _requests;
        private long _refused;
        private long _hits;
        private long _misses;
        private long _within;
        private long _over;

        public void Add(TrafficBucket bucket, long index)
        {
            lock (bucket)
            {
                if (bucket.Index != index)
                {
                    return;
                }

                _requests += bucket.Requests;
                _refused += bucket.Refused;
                _hits += bucket.Hits;
                _misses += bucket.Misses;
                _within += bucket.WithinSla;
                _over += bucket.OverSla;
                for (var i = 0; i < _latency.Length; i++)
                {
                    _latency[i] += bucket.Latency[i];
                }
            }
        }

        public TrafficSample ToSample(DateTimeOffset start, double seconds) =>
            new(start, seconds, _requests, _refused, _hits, _misses, _within, _over, LatencyBins.Quantile(_latency, 0.95));
    }
}
