using System.Collections.Concurrent;
using Gateway.Transforms.Caching.Serialization;

namespace Gateway.Transforms.Caching.Stores.Near;

/// <summary>
/// A bounded in-process copy of shared-store entries, one partition per tenant. An entry is kept under its tenant,
/// generation and key hash, and served only for that tenant, in that generation, until the shared store's expiry; a
/// partition holds at most the byte share it is given and evicts by CLOCK (second chance: an entry read since the hand
/// last passed it survives one more round).
/// </summary>
/// <remarks>
/// A lookup in a newer generation than a partition's empties the partition (the tenant was invalidated), so the old
/// generation's memory goes at once and an old entry can never be served in a new generation. Reads take no lock;
/// stores and evictions take the partition's.
/// </remarks>
internal sealed class NearCache
{
    /// <summary>Bytes counted for an entry on top of its body and headers (objects, key, bookkeeping).</summary>
    public const int EntryOverheadBytes = 256;

    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates an empty near-cache.</summary>
    public NearCache(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>The entry of <paramref name="tenantId"/> stored under <paramref name="keyHash"/> in <paramref name="generation"/>, if held and not expired.</summary>
    public bool TryGet(string tenantId, long generation, string keyHash, out CacheEntry entry)
    {
        entry = null!;
        if (!_partitions.TryGetValue(tenantId, out var partition) || Volatile.Read(ref partition.Generation) != generation
            || !partition.Items.TryGetValue(keyHash, out var slot))
        {
            return false;
        }

        if (slot.ExpiresAt <= _time.GetUtcNow())
        {
            partition.Remove(keyHash, slot);
            return false;
        }

        // Never another tenant's: the partition is the tenant's, and the entry records its tenant too.
        if (!string.Equals(slot.Entry.TenantId, tenantId, StringComparison.Ordinal))
        {
            return false;
        }

        slot.Referenced = true;
        entry = slot.Entry;
        return true;
    }

    /// <summary>
    /// Keeps <paramref name="entry"/> for <paramref name="tenantId"/> within a partition of <paramref name="shareBytes"/>
    /// bytes. Not kept: an entry without a known expiry, an expired one, one larger than the share, one of an older
    /// generation than the partition's.
    /// </summary>
    public void Put(string tenantId, long generation, string keyHash, CacheEntry entry, long shareBytes)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var size = SizeOf(keyHash, entry);
        if (entry.ExpiresAt is not { } expiresAt || expiresAt <= _time.GetUtcNow() || size > shareBytes
            || !string.Equals(entry.TenantId, tenantId, StringComparison.Ordinal))
        {
            return;
        }

        var partition = _partitions.GetOrAdd(tenantId, static _ => new Partition());
        partition.Add(generation, keyHash, new Slot(entry, size, expiresAt), shareBytes);
    }

    /// <summary>Drops everything held for <paramref name="tenantId"/> (its cache was invalidated by this node).</summary>
    public void Forget(string tenantId) => _partitions.TryRemove(tenantId, out _);

    /// <summary>Drops the partitions of tenants for which <paramref name="keep"/> is false, and shrinks the others to their share.</summary>
    public void Retain(Func<string, long> shareOf)
    {
        ArgumentNullException.ThrowIfNull(shareOf);
        foreach (var (tenantId, partition) in _partitions)
        {
            var share = shareOf(tenantId);
            if (share <= 0)
            {
                _partitions.TryRemove(tenantId, out _);
            }
            else
            {
                partition.Shrink(share);
            }
        }
    }

    /// <summary>Bytes held for <paramref name="tenantId"/>.</summary>
    public long BytesOf(string tenantId) => _partitions.TryGetValue(tenantId, out var partition) ? Volatile.Read(ref partition.Bytes) : 0;

    /// <summary>Bytes held for every tenant.</summary>
    public IEnumerable<KeyValuePair<string, long>> Usage()
    {
        foreach (var (tenantId, partition) in _partitions)
        {
            yield return new(tenantId, Volatile.Read(ref partition.Bytes));
        }
    }

    private static long SizeOf(string keyHash, CacheEntry entry)
    {
        long size = EntryOverheadBytes + (2L * keyHash.Length) + entry.Body.Length + (2L * entry.TenantId.Length);
        foreach (var (name, value) in entry.Headers)
        {
            size += 2L * (name.Length + value.Length);
        }

        return size;
    }

    private sealed class Slot(CacheEntry entry, long size, DateTimeOffset expiresAt)
    {
        public readonly CacheEntry Entry = entry;
        public readonly long Size = size;
        public readonly DateTimeOffset ExpiresAt = expiresAt;
        public volatile bool Referenced;
    }

    private sealed class Partition
    {
        public readonly ConcurrentDictionary<string, Slot> Items = new(StringComparer.Ordinal);
        public long Generation = -1;
        public long Bytes;
        private readonly Lock _gate = new();
        private readonly Queue<string> _clock = new();

        public void Add(long generation, string keyHash, Slot slot, long shareBytes)
        {
            lock (_gate)
            {
                if (generation < Generation)
                {
                    return;
                }

                if (generation > Generation)
                {
                    // The tenant moved on to a newer generation: nothing held can be served again.
                    Items.Clear();
                    _clock.Clear();
                    Bytes = 0;
                    Volatile.Write(ref Generation, generation);
                }

                var replaced = Items.TryRemove(keyHash, out var previous);
                if (replaced)
                {
                    Bytes -= previous!.Size;
                }

                EvictLocked(shareBytes - slot.Size);
                Items[keyHash] = slot;
                Bytes += slot.Size;
                if (!replaced)
                {
                    _clock.Enqueue(keyHash);
                }

                if (_clock.Count > (2 * Items.Count) + 64)
                {
                    // Keys that expired or were evicted while queued twice: start the queue afresh from what is held.
                    _clock.Clear();
                    foreach (var key in Items.Keys)
                    {
                        _clock.Enqueue(key);
                    }
                }
            }
        }

        public void Remove(string keyHash, Slot slot)
        {
            lock (_gate)
            {
                if (Items.TryRemove(new KeyValuePair<string, Slot>(keyHash, slot)))
                {
                    Bytes -= slot.Size;
                }
            }
        }

        public void Shrink(long shareBytes)
        {
            lock (_gate)
            {
                EvictLocked(shareBytes);
            }
        }

        private void EvictLocked(long limit)
        {
            // Each key passes the hand at most twice (once to lose its reference bit, once to go); stale queue
            // entries (removed or replaced keys) are dropped as the hand meets them.
            var budget = 2 * _clock.Count;
            while (Bytes > limit && budget-- > 0 && _clock.TryDequeue(out var key))
            {
                if (!Items.TryGetValue(key, out var slot))
                {
                    continue;
                }

                if (slot.Referenced)
                {
                    slot.Referenced = false;
                    _clock.Enqueue(key);
                    continue;
                }

                Items.TryRemove(key, out _);
                Bytes -= slot.Size;
            }
        }
    }
}
