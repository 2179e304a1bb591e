using Gateway.Transforms.Caching.Semantic.Matching;

namespace Gateway.Transforms.Caching.Semantic.Index;

/// <summary>One tenant's vectors on this node, bounded in count and bytes, evicted oldest first.</summary>
internal sealed class TenantPartition : IDisposable
{
    // Bookkeeping per entry besides the vector: metadata slot, dictionary entries, FIFO node, details.
    internal const int OverheadBytesPerEntry = 160;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<ulong, VectorBlock> _blocks = [];
    private readonly Dictionary<string, (ulong Context, long Sequence)> _entries = new(StringComparer.Ordinal);

    // Queries this node answered semantically, by their own exact key: a repeat is served without embedding it again.
    // Bounded like the entries and emptied when full; a generation change empties it too.
    private readonly Dictionary<string, SemanticMatch> _recalled = new(StringComparer.Ordinal);

    // Insertion order for eviction. Replaced or removed keys leave stale nodes behind, recognised by
    // their sequence number and dropped lazily, so eviction stays O(1) amortised.
    private readonly Queue<(string Key, long Sequence)> _fifo = new();
    private readonly int _dimensions;
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private long _generation = long.MinValue;
    private long _bytes;
    private long _nextSequence;

    /// <summary>Creates an empty partition.</summary>
    public TenantPartition(int dimensions, int maxEntries, long maxBytes)
    {
        _dimensions = dimensions;
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
    }

    /// <summary>Stores or replaces an entry; see <see cref="TenantVectorIndex.Add"/>.</summary>
    public IndexAddResult Add(SemanticEntry entry)
    {
        var size = EntryBytes(entry);
        if (size > _maxBytes)
        {
            return IndexAddResult.TooLarge;
        }

        _lock.EnterWriteLock();
        try
        {
            if (entry.Generation < _generation)
            {
                return IndexAddResult.StaleGeneration;
            }

            if (entry.Generation > _generation)
            {
                // A newer generation means the tenant was invalidated: everything older is dead.
                ClearLocked();
                _generation = entry.Generation;
            }

            var replaced = RemoveLocked(entry.EntryKey);
            while (_entries.Count >= _maxEntries || _bytes + size > _maxBytes)
            {
                if (!EvictOldestLocked())
                {
                    break;
                }
            }

            if (!_blocks.TryGetValue(entry.ContextHash, out var block))
            {
                block = new VectorBlock(_dimensions);
                _blocks.Add(entry.ContextHash, block);
            }

            var sequence = _nextSequence++;
            block.Add(entry, size);
            _entries[entry.EntryKey] = (entry.ContextHash, sequence);
            _fifo.Enqueue((entry.EntryKey, sequence));
            _bytes += size;
            CompactFifoLocked();
            return replaced ? IndexAddResult.Replaced : IndexAddResult.Added;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Best matches of one context and generation; see <see cref="TenantVectorIndex.Search"/>.</summary>
    public int Search(ulong contextHash, long generation, ReadOnlySpan<float> query, float minSimilarity, Span<SemanticCandidate> results)
    {
        _lock.EnterReadLock();
        try
        {
            return generation != _generation || !_blocks.TryGetValue(contextHash, out var block)
                ? 0
                : block.Search(generation, query, minSimilarity, results);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Removes one entry.</summary>
    public bool Remove(string entryKey)
    {
        _lock.EnterWriteLock();
        try
        {
            return RemoveLocked(entryKey);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Drops everything older than <paramref name="generation"/>.</summary>
    public void AdvanceGeneration(long generation)
    {
        _lock.EnterWriteLock();
        try
        {
            if (generation > _generation)
            {
                ClearLocked();
                _generation = generation;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Entries, bytes and generation.</summary>
    public TenantIndexStats Stats()
    {
        _lock.EnterReadLock();
        try
        {
            return new TenantIndexStats(_entries.Count, _bytes, _generation);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Whether <paramref name="entryKey"/> is held in <paramref name="generation"/>.</summary>
    public bool Contains(long generation, string entryKey)
    {
        _lock.EnterReadLock();
        try
        {
            return generation == _generation && _entries.ContainsKey(entryKey);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Remembers a semantic answer for the query stored under <paramref name="queryKey"/>.</summary>
    public void Remember(long generation, string queryKey, SemanticMatch match)
    {
        _lock.EnterWriteLock();
        try
        {
            if (generation != _generation)
            {
                return;
            }

            if (_recalled.Count >= _maxEntries)
            {
                _recalled.Clear();
            }

            _recalled[queryKey] = match;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The semantic answer remembered for <paramref name="queryKey"/>.</summary>
    public bool TryRecall(long generation, string queryKey, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SemanticMatch? match)
    {
        _lock.EnterReadLock();
        try
        {
            match = null;
            return generation == _generation && _recalled.TryGetValue(queryKey, out match);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Forgets the answer remembered for <paramref name="queryKey"/>.</summary>
    public void Forget(string queryKey)
    {
        _lock.EnterWriteLock();
        try
        {
            _recalled.Remove(queryKey);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();

    internal long EntryBytes(SemanticEntry entry) =>
        ((long)_dimensions * sizeof(float)) + (entry.EntryKey.Length * sizeof(char)) + entry.Details.EstimatedBytes + OverheadBytesPerEntry;

    private bool RemoveLocked(string entryKey)
    {
        if (!_entries.Remove(entryKey, out var location))
        {
            return false;
        }

        var block = _blocks[location.Context];
        _bytes -= block.Remove(entryKey);
        if (block.Count == 0)
        {
            _blocks.Remove(location.Context);
        }

        return true;
    }

    private bool EvictOldestLocked()
    {
        while (_fifo.TryDequeue(out var oldest))
        {
            if (_entries.TryGetValue(oldest.Key, out var current) && current.Sequence == oldest.Sequence)
            {
                return RemoveLocked(oldest.Key);
            }
        }

        return false;
    }

    private void CompactFifoLocked()
    {
        if (_fifo.Count <= (2 * _entries.Count) + 64)
        {
            return;
        }

        var live = _fifo.Where(node => _entries.TryGetValue(node.Key, out var current) && current.Sequence == node.Sequence).ToArray();
        _fifo.Clear();
        foreach (var node in live)
        {
            _fifo.Enqueue(node);
        }
    }

    private void ClearLocked()
    {
        _blocks.Clear();
        _entries.Clear();
        _fifo.Clear();
        _recalled.Clear();
        _bytes = 0;
    }
}
