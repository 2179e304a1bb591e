using System.Collections.Concurrent;
using Gateway.Transforms.Caching.Serialization;

namespace Gateway.Transforms.Caching;

/// <summary>
/// Request coalescing on one node: the first miss for a (tenant, generation, key) leads and goes upstream;
/// identical misses arriving meanwhile follow and receive the leader's response if it turns out cacheable.
/// The tenant is part of the flight key, so a flight is never shared across tenants.
/// </summary>
internal sealed class CacheCoalescer
{
    private readonly ConcurrentDictionary<FlightKey, Flight> _flights = new();

    /// <summary>Flights in progress (for tests and diagnostics).</summary>
    public int InFlight => _flights.Count;

    /// <summary>Joins the flight for the key, creating it when there is none; <paramref name="isLeader"/> tells which role the caller has.</summary>
    public Flight Join(string tenantId, long generation, string keyHash, out bool isLeader)
    {
        var key = new FlightKey(tenantId, generation, keyHash);
        var created = new Flight(this, key);
        var flight = _flights.GetOrAdd(key, created);
        isLeader = ReferenceEquals(flight, created);
        return flight;
    }

    private void Remove(Flight flight) => _flights.TryRemove(new KeyValuePair<FlightKey, Flight>(flight.Key, flight));

    internal readonly record struct FlightKey(string TenantId, long Generation, string KeyHash);

    /// <summary>One upstream call that identical requests wait on.</summary>
    public sealed class Flight
    {
        private readonly CacheCoalescer _owner;
        private readonly TaskCompletionSource<CacheEntry?> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Flight(CacheCoalescer owner, FlightKey key)
        {
            _owner = owner;
            Key = key;
        }

        internal FlightKey Key { get; }

        /// <summary>
        /// Publishes the leader's result: the entry when it is cacheable and complete, otherwise null (followers
        /// then go upstream themselves). Only the first call counts. A null result also ends the flight.
        /// </summary>
        public void Complete(CacheEntry? entry)
        {
            _result.TrySetResult(entry);
            if (entry is null)
            {
                Release();
            }
        }

        /// <summary>
        /// Ends the flight: later requests start a new one. The leader releases a successful flight only once the
        /// entry is in the store, so a request arriving in between still gets the answer instead of a second call.
        /// </summary>
        public void Release()
        {
            _result.TrySetResult(null);
            _owner.Remove(this);
        }

        /// <summary>Waits for the leader, bounded by the follower's own deadline.</summary>
        public Task<CacheEntry?> WaitAsync(CancellationToken cancellationToken) => _result.Task.WaitAsync(cancellationToken);
    }
}
