using System.Collections.Concurrent;

namespace RagBackendSim;

/// <summary>Thread-safe counters of the simulator, shared by <c>GET /stats</c> and in-process tests.</summary>
/// <remarks>
/// <see cref="InFlight"/> and <see cref="Queued"/> are live gauges; <see cref="Served"/>, <see cref="Aborted"/>
/// and the per-tenant figures are cumulative counters that <see cref="Reset"/> zeroes.
/// </remarks>
public sealed class RagBackendStats
{
    /// <summary>Tenant key that absorbs tenants beyond <see cref="MaxTrackedTenants"/>.</summary>
    public const string OverflowTenant = "_other";

    // A load test with arbitrary tenant headers must not grow the table without bound.
    private const int MaxTrackedTenants = 10_000;

    private readonly ConcurrentDictionary<string, TenantCounters> _tenants = new(StringComparer.Ordinal);
    private long _inFlight;
    private long _queued;
    private long _served;
    private long _aborted;

    /// <summary>Queries holding a capacity slot right now.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Queries waiting for a capacity slot right now.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Queries answered completely since start or the last reset.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Queries whose client went away (or was cancelled by the gateway) before the answer was complete.</summary>
    public long Aborted => Interlocked.Read(ref _aborted);

    /// <summary>The counters of one tenant; zeros for a tenant never seen.</summary>
    public RagTenantStats GetTenant(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return _tenants.TryGetValue(tenantId, out var counters) ? counters.ToSnapshot() : new RagTenantStats(0, 0);
    }

    /// <summary>A copy of every counter. Each value is read atomically, the set as a whole is not.</summary>
    public RagBackendStatsSnapshot Snapshot()
    {
        var byTenant = new SortedDictionary<string, RagTenantStats>(StringComparer.Ordinal);
        foreach (var (tenant, counters) in _tenants)
        {
            byTenant[tenant] = counters.ToSnapshot();
        }

        return new RagBackendStatsSnapshot(InFlight, Queued, Served, Aborted, byTenant);
    }

    /// <summary>Zeroes the cumulative counters. The gauges keep describing the requests still running.</summary>
    public void Reset()
    {
        // Zeroing the gauges would drive them negative when the running requests finish.
        Interlocked.Exchange(ref _served, 0);
        Interlocked.Exchange(ref _aborted, 0);
        _tenants.Clear();
    }

    internal void OnQueued() => Interlocked.Increment(ref _queued);

    internal void OnDequeued() => Interlocked.Decrement(ref _queued);

    internal void OnSlotTaken() => Interlocked.Increment(ref _inFlight);

    internal void OnSlotReleased() => Interlocked.Decrement(ref _inFlight);

    internal void OnServed(string tenantId)
    {
        Interlocked.Increment(ref _served);
        Interlocked.Increment(ref CountersFor(tenantId).Served);
    }

    internal void OnAborted(string tenantId)
    {
        Interlocked.Increment(ref _aborted);
        Interlocked.Increment(ref CountersFor(tenantId).Aborted);
    }

    // Looked up at the moment of counting (not when the request started) so a reset in between loses at most
    // the increments racing with Clear itself.
    private TenantCounters CountersFor(string tenantId)
    {
        if (_tenants.TryGetValue(tenantId, out var counters))
        {
            return counters;
        }

        var key = _tenants.Count < MaxTrackedTenants ? tenantId : OverflowTenant;
        return _tenants.GetOrAdd(key, static _ => new TenantCounters());
    }

    private sealed class TenantCounters
    {
        public long Served;
        public long Aborted;

        public RagTenantStats ToSnapshot() => new(Interlocked.Read(ref Served), Interlocked.Read(ref Aborted));
    }
}
