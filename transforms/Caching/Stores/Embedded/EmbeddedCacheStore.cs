using System.Collections.Concurrent;
using Gateway.Config.Tiers;
using Gateway.Transforms.Caching.Serialization;

namespace Gateway.Transforms.Caching.Stores.Embedded;

/// <summary>
/// In-process store used when no Redis is configured: the same contract and semantics as
/// <see cref="RedisCacheStore"/> (per-tenant generations, exact byte accounting, expiry, quota) for a
/// single node, so the gateway runs with nothing else installed.
/// </summary>
internal sealed class EmbeddedCacheStore : ITenantCacheStore, IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer _sweep;

    /// <summary>Creates the store; expired entries of idle tenants are swept periodically.</summary>
    public EmbeddedCacheStore(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _sweep = time.CreateTimer(static s => ((EmbeddedCacheStore)s!).Sweep(), this, SweepInterval, SweepInterval);
    }

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
    public ValueTask<CacheLookupResult> GetAsync(string tenantId, string keyHash, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var state = State(tenantId);
        byte[]? value;
        long generation;
        lock (state.Gate)
        {
            state.Reap(Now());
            generation = state.Generation;
            value = state.Items.TryGetValue(keyHash, out var item) ? item.Value : null;
        }

        var result = value is null
            ? new CacheLookupResult(CacheLookupStatus.Miss, generation, null)
            : CacheEntrySerializer.TryRead(value, tenantId, out var entry) switch
            {
                CacheEntryReadStatus.Ok => new CacheLookupResult(CacheLookupStatus.Hit, generation, entry),
                CacheEntryReadStatus.TenantMismatch => new CacheLookupResult(CacheLookupStatus.TenantMismatch, generation, null),
                _ => new CacheLookupResult(CacheLookupStatus.Miss, generation, null),
            };
        if (result.Status == CacheLookupStatus.Hit)
        {
            Interlocked.Increment(ref state.Hits);
        }
        else
        {
            Interlocked.Increment(ref state.Misses);
        }

        return ValueTask.FromResult(result);
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
    public void RecordMiss(string tenantId) => Interlocked.Increment(ref State(tenantId).Misses);

    /// <inheritdoc />
    public ValueTask<CacheWriteResult> SetAsync(CacheWriteRequest write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        var state = State(write.TenantId);
        var size = write.Value.Length;
        lock (state.Gate)
        {
            if (state.Generation != write.Generation)
            {
                return ValueTask.FromResult(new CacheWriteResult(CacheWriteStatus.StaleGeneration, state.Bytes, state.Items.Count));
            }

            var now = Now();
            state.Reap(now);
            var previous = state.Items.TryGetValue(write.KeyHash, out var old) ? old.Value.Length : 0;
            if (state.Bytes - previous + size > write.LimitBytes)
            {
                return ValueTask.FromResult(new CacheWriteResult(CacheWriteStatus.SkippedQuota, state.Bytes, state.Items.Count));
            }

            var expiresAt = now + (long)write.Ttl.TotalMilliseconds;
            state.Items[write.KeyHash] = new Item(write.Value.ToArray(), expiresAt);
            state.Expiries.Enqueue(write.KeyHash, expiresAt);
            state.Bytes += size - previous;
            return ValueTask.FromResult(new CacheWriteResult(CacheWriteStatus.Stored, state.Bytes, state.Items.Count));
        }
    }

    /// <inheritdoc />
    public ValueTask<CacheInvalidationResult?> InvalidateAsync(string tenantId, TimeSpan metadataTtl, CancellationToken cancellationToken)
    {
        var state = State(tenantId);
        lock (state.Gate)
        {
            state.Reap(Now());
            var live = state.Items.Count;

            // Swapping the tables is the whole invalidation: O(1), and the old generation becomes garbage at once.
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
            state.Reap(Now());
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
                .Sum(hash => state.Items.TryGetValue(hash, out var item) && item.ExpiresAtMs > now ? (long)item.Value.Length : 0);
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
                state.Reap(now);
            }
        }
    }

    private readonly record struct Item(byte[] Value, long ExpiresAtMs);

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

        public void Reap(long now)
        {
            while (Expiries.TryPeek(out var key, out var expiresAt) && expiresAt <= now)
            {
                Expiries.Dequeue();
                if (Items.TryGetValue(key, out var item) && item.ExpiresAtMs == expiresAt)
                {
                    Items.Remove(key);
                    Bytes -= item.Value.Length;
                }
            }
        }
    }
}
