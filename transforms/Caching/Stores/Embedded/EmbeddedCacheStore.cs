using System.Collections.Concurrent;
using Gateway.Config.Reload;
using System.Runtime.InteropServices;
using Gateway.Config.Tiers;
using Gateway.Transforms.Caching.Serialization;

namespace Gateway.Transforms.Caching.Stores.Embedded;

/// <summary>
/// In-process store used when no Redis is configured: the same contract and semantics as
/// <see cref="RedisCacheStore"/> (per-tenant generations, exact byte accounting, expiry, quota) for a
/// single node, so the gateway runs with nothing else installed.
/// </summary>
/// <remarks>
/// Process memory is bounded by <c>Gateway:Cache:EmbeddedMaxBytes</c> for all tenants together: each configured
/// tenant's quota here is its tier's share of that bound (<see cref="CacheQuotaPolicy"/>), and a write that would pass
/// the bound itself (tenants outside the table, on the default tier) is skipped as <see cref="CacheWriteStatus.SkippedStoreFull"/>.
/// Nothing is ever evicted on another tenant's behalf.
/// </remarks>
internal sealed partial class EmbeddedCacheStore : ITenantCacheStore, IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Func<long> _maxBytes;
    private readonly ITimer _sweep;
    private long _totalBytes;
    private long _lastSweep;

    /// <summary>Creates the store, bounded by the current <c>Gateway:Cache:EmbeddedMaxBytes</c>; expired entries of idle tenants are swept periodically.</summary>
    public EmbeddedCacheStore(TimeProvider time, IGatewaySettings settings)
        : this(time, () => settings.Current.Options.Cache.EmbeddedMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(settings);
    }

    /// <summary>An unbounded store (tests of the store contract).</summary>
    internal EmbeddedCacheStore(TimeProvider time)
        : this(time, static () => long.MaxValue)
    {
    }

    private EmbeddedCacheStore(TimeProvider time, Func<long> maxBytes)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _maxBytes = maxBytes;
        _sweep = time.CreateTimer(static s => ((EmbeddedCacheStore)s!).Sweep(), this, SweepInterval, SweepInterval);
    }

    /// <summary>Bytes held for all tenants together.</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <inheritdoc />
    public string Name => "embedded";

    /// <inheritdoc />
    public bool IsShared => false;

    /// <inheritdoc />
    public bool IsAvailable => true;

    /// <inheritdoc />
    public void Start()
    {
        // Nothing runs in the background but the sweep timer, started with the store.
    }

    /// <inheritdoc />
    public ValueTask<CacheLookupResult> LookupAsync(string tenantId, string keyHash, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(tenantId, keyHash, generation: null));
    }

    /// <summary>The entry under <paramref name="keyHash"/> in <paramref name="generation"/> (null: the current one); a miss in any other.</summary>
    private CacheLookupResult Read(string tenantId, string keyHash, long? generation)
    {
        var state = State(tenantId);
        Item item = default;
        bool found;
        long current;
        lock (state.Gate)
        {
            Reap(state, Now());
            current = state.Generation;
            found = (generation ?? current) == current && state.Items.TryGetValue(keyHash, out item);
        }

        return found
            ? item.Read(tenantId, current)
            : new CacheLookupResult(CacheLookupStatus.Miss, generation ?? current, null);
    }

    /// <inheritdoc />
    public ValueTask<long?> GetGenerationAsync(string tenantId, CancellationToken cancellationToken)
    {
        var state = State(tenantId);
        lock (state.Gate)
        {
            return ValueTask.FromResult<long?>(state.Generation);
        }
    }

    /// <inheritdoc />
    public void RecordLookup(string tenantId, bool hit)
    {
        var state = State(tenantId);
        if (hit)
        {
            Interlocked.Increment(ref state.Hits);
        }
        else
        {
            Interlocked.Increment(ref state.Misses);
        }
    }

    /// <inheritdoc />
    public ValueTask<CacheWriteResult> SetAsync(CacheWriteRequest write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        var result = TrySet(write);

        // Other tenants' expired entries count until they are reaped: at the bound, reap everyone (at most once a
        // second, outside any tenant's lock) and try once more.
        if (result.Status == CacheWriteStatus.SkippedStoreFull && SweepDue())
        {
            Sweep();
            result = TrySet(write);
        }

        return ValueTask.FromResult(result);
    }

    private bool SweepDue()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastSweep);
        return (last == 0 || _time.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(1)) && Interlocked.CompareExchange(ref _lastSweep, now, last) == last;
    }

    private CacheWriteResult TrySet(CacheWriteRequest write)
    {
        var state = State(write.TenantId);
        var size = write.Value.Length;

        // Decoded once here, outside the lock, so that hits replay the entry without decoding or allocating.
        var value = MemoryMarshal.TryGetArray(write.Value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : write.Value.ToArray();
        var decoded = Item.Create(value, 0, write.TenantId);
        var vector = write.Vector?.Record ?? ReadOnlyMemory<byte>.Empty;
        lock (state.Gate)
        {
            if (state.Generation != write.Generation)
            {
                return new CacheWriteResult(CacheWriteStatus.StaleGeneration, state.Bytes, state.Items.Count);
            }

            var now = Now();
            Reap(state, now);
            var previous = state.Items.TryGetValue(write.KeyHash, out var old) ? old.Size : 0;
            if (state.Bytes - previous + size > write.LimitBytes)
            {
                return new CacheWriteResult(CacheWriteStatus.SkippedQuota, state.Bytes, state.Items.Count);
            }

            // The process-wide bound: reserve first, give back if it would be passed.
            var delta = size - previous;
            if (delta > 0 && Interlocked.Add(ref _totalBytes, delta) > _maxBytes())
            {
                Interlocked.Add(ref _totalBytes, -delta);
                return new CacheWriteResult(CacheWriteStatus.SkippedStoreFull, state.Bytes, state.Items.Count);
            }

            if (delta < 0)
            {
                Interlocked.Add(ref _totalBytes, delta);
            }

            // As in Redis: the vector record is charged with its entry, and at the quota the entry is stored alone.
            var withVector = !vector.IsEmpty && state.Bytes - previous + size + vector.Length <= write.LimitBytes;
            if (withVector)
            {
                // The record counts toward the process-wide bound too; past it the entry is stored alone.
                if (Interlocked.Add(ref _totalBytes, vector.Length) > _maxBytes())
                {
                    Interlocked.Add(ref _totalBytes, -vector.Length);
                    withVector = false;
                }
            }

            var expiresAt = now + (long)write.Ttl.TotalMilliseconds;
            var item = decoded with { ExpiresAtMs = expiresAt, Vector = withVector ? vector.ToArray() : null };
            state.Items[write.KeyHash] = item;
            state.Expiries.Enqueue(write.KeyHash, expiresAt);
            state.Bytes += item.Size - previous;
            return new CacheWriteResult(CacheWriteStatus.Stored, state.Bytes, state.Items.Count, withVector);
        }
    }

    /// <inheritdoc />
    public ValueTask<CacheInvalidationResult?> InvalidateAsync(string tenantId, TimeSpan metadataTtl, CancellationToken cancellationToken)
    {
        var state = State(tenantId);
        lock (state.Gate)
        {
            Reap(state, Now());
            var live = state.Items.Count;

            // Swapping the tables is the whole invalidation: O(1), and the old generation becomes garbage at once.
            Interlocked.Add(ref _totalBytes, -state.Bytes);
            state.Generation++;
            state.Items = new(StringComparer.Ordinal);
            state.Expiries = new();
            state.Bytes = 0;
            return ValueTask.FromResult<CacheInvalidationResult?>(new CacheInvalidationResult(state.Generation, live));
        }
    }

    /// <inheritdoc />
    public Task<long> ReclaimAsync(string tenantId, CancellationToken cancellationToken) => Task.FromResult(0L);

    /// <inheritdoc />
    public ValueTask<CacheUsageSnapshot?> GetUsageAsync(string tenantId, CancellationToken cancellationToken)
    {
        var state = State(tenantId);
        lock (state.Gate)
        {
            Reap(state, Now());
            return ValueTask.FromResult<CacheUsageSnapshot?>(new CacheUsageSnapshot(
                Interlocked.Read(ref state.Hits), Interlocked.Read(ref state.Misses), state.Bytes, state.Items.Count));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _sweep.Dispose();

    /// <summary>Ground truth for tests: bytes of the live entries among <paramref name="keyHashes"/> that the tenant really holds in <paramref name="generation"/>.</summary>
    internal long SumLiveBytes(string tenantId, long generation, IEnumerable<string> keyHashes)
    {
        var state = State(tenantId);
        var now = Now();
        lock (state.Gate)
        {
            if (state.Generation != generation)
            {
                return 0;
            }

            return keyHashes.Distinct(StringComparer.Ordinal)
                .Sum(hash => state.Items.TryGetValue(hash, out var item) && item.ExpiresAtMs > now ? (long)item.Size : 0);
        }
    }

    /// <summary>Ground truth for tests: whether an entry of <paramref name="generation"/> is still held in memory.</summary>
    internal bool Holds(string tenantId, long generation, string keyHash)
    {
        var state = State(tenantId);
        lock (state.Gate)
        {
            return state.Generation == generation && state.Items.ContainsKey(keyHash);
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private TenantState State(string tenantId)
    {
        if (!TenantId.IsValid(tenantId))
        {
            throw new ArgumentException($"'{tenantId}' is not a valid tenant id.", nameof(tenantId));
        }

        return _tenants.GetOrAdd(tenantId, static _ => new TenantState());
    }

    private void Sweep()
    {
        var now = Now();
        foreach (var state in _tenants.Values)
        {
            lock (state.Gate)
            {
                Reap(state, now);
            }
        }
    }

    private void Reap(TenantState state, long now)
    {
        var reaped = state.Reap(now);
        if (reaped > 0)
        {
            Interlocked.Add(ref _totalBytes, -reaped);
        }
    }

    /// <summary>A stored value and its entry, decoded once when stored so a hit allocates nothing.</summary>
    private readonly record struct Item(byte[] Value, long ExpiresAtMs, CacheEntryReadStatus Status, CacheEntry? Entry, byte[]? Vector = null)
    {
        /// <summary>Bytes charged to the quota: the entry and its vector record.</summary>
        public int Size => Value.Length + (Vector?.Length ?? 0);

        public static Item Create(byte[] value, long expiresAtMs, string tenantId)
        {
            var status = CacheEntrySerializer.TryRead(value, tenantId, out var entry);
            return new Item(value, expiresAtMs, status, entry);
        }

        /// <summary>The lookup's answer for <paramref name="tenantId"/>; an entry not theirs or unreadable is a miss.</summary>
        public CacheLookupResult Read(string tenantId, long generation) => Status switch
        {
            CacheEntryReadStatus.Ok when string.Equals(Entry!.TenantId, tenantId, StringComparison.Ordinal) =>
                new CacheLookupResult(CacheLookupStatus.Hit, generation, Entry),
            CacheEntryReadStatus.Ok or CacheEntryReadStatus.TenantMismatch => new CacheLookupResult(CacheLookupStatus.TenantMismatch, generation, null),
            _ => new CacheLookupResult(CacheLookupStatus.Miss, generation, null),
        };
    }

    private sealed class TenantState
    {
        public readonly Lock Gate = new();
        public long Hits;
        public long Misses;
        public long Generation;
        public long Bytes;
        public Dictionary<string, Item> Items = new(StringComparer.Ordinal);

        // Expiry queue with lazy deletion: an overwritten entry leaves a stale element whose time no longer matches.
        public PriorityQueue<string, long> Expiries = new();

        /// <summary>Drops expired entries; returns the bytes freed.</summary>
        public long Reap(long now)
        {
            long freed = 0;
            while (Expiries.TryPeek(out var key, out var expiresAt) && expiresAt <= now)
            {
                Expiries.Dequeue();
                if (Items.TryGetValue(key, out var item) && item.ExpiresAtMs == expiresAt)
                {
                    Items.Remove(key);
                    Bytes -= item.Size;
                    freed += item.Size;
                }
            }

            return freed;
        }
    }
}
