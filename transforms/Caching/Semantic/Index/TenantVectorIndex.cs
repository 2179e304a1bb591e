using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Gateway.Transforms.Caching.Semantic.Matching;

namespace Gateway.Transforms.Caching.Semantic.Index;

/// <summary>
/// Per-tenant brute-force vector index. Every tenant has its own partition, so a search can only
/// ever see the searching tenant's vectors; within it, vectors are grouped by context hash, so a
/// lookup scans only the stored queries whose exact key differs from it in the text alone.
/// </summary>
/// <remarks>
/// Brute force (one SIMD dot product per stored vector) is exact and needs no build step; see the
/// README for the measured point where it stops being cheap (about 20,000 vectors per context). Each partition uses a reader/writer
/// lock: lookups (the common case) run in parallel, and a store holds the write lock for a copy of
/// 1.5 KB.
/// </remarks>
internal sealed class TenantVectorIndex : IDisposable
{
    private readonly ConcurrentDictionary<string, TenantPartition> _tenants = new(StringComparer.Ordinal);
    private readonly int _dimensions;
    private readonly int _maxEntries;
    private readonly long _maxBytes;

    /// <summary>Creates an empty index for vectors of <paramref name="dimensions"/>, bounded per tenant.</summary>
    public TenantVectorIndex(int dimensions, int maxEntriesPerTenant, long maxBytesPerTenant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntriesPerTenant, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytesPerTenant, 1024);
        _dimensions = dimensions;
        _maxEntries = maxEntriesPerTenant;
        _maxBytes = maxBytesPerTenant;
    }

    /// <summary>Length of every vector.</summary>
    public int Dimensions => _dimensions;

    /// <summary>Stores or replaces an entry, evicting the tenant's oldest entries to stay within bounds.</summary>
    public IndexAddResult Add(string tenant, SemanticEntry entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Vector.Length != _dimensions)
        {
            throw new ArgumentException($"Expected a vector of {_dimensions} dimensions, got {entry.Vector.Length}.", nameof(entry));
        }

        var partition = _tenants.GetOrAdd(tenant, static (_, self) => new TenantPartition(self._dimensions, self._maxEntries, self._maxBytes), this);
        return partition.Add(entry);
    }

    /// <summary>
    /// Finds up to <paramref name="results"/>.Length stored queries of <paramref name="tenant"/> with the
    /// same context and generation whose similarity is at least <paramref name="minSimilarity"/>, best first.
    /// </summary>
    /// <returns>How many results were written.</returns>
    public int Search(string tenant, ulong contextHash, long generation, ReadOnlySpan<float> query, float minSimilarity, Span<SemanticCandidate> results)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        if (query.Length != _dimensions)
        {
            throw new ArgumentException($"Expected a vector of {_dimensions} dimensions, got {query.Length}.", nameof(query));
        }

        return results.IsEmpty || !_tenants.TryGetValue(tenant, out var partition)
            ? 0
            : partition.Search(contextHash, generation, query, minSimilarity, results);
    }

    /// <summary>Whether the tenant's partition holds <paramref name="entryKey"/> in <paramref name="generation"/>.</summary>
    public bool Contains(string tenant, long generation, string entryKey) =>
        _tenants.TryGetValue(tenant, out var partition) && partition.Contains(generation, entryKey);

    /// <summary>Remembers that the query stored under <paramref name="queryKey"/> was answered by <paramref name="match"/>, so its repeats skip embedding.</summary>
    public void Remember(string tenant, long generation, string queryKey, SemanticMatch match)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        if (_tenants.TryGetValue(tenant, out var partition))
        {
            partition.Remember(generation, queryKey, match);
        }
    }

    /// <summary>The match remembered for <paramref name="queryKey"/> in <paramref name="generation"/>, if any.</summary>
    public bool TryRecall(string tenant, long generation, string queryKey, [NotNullWhen(true)] out SemanticMatch? match)
    {
        match = null;
        return _tenants.TryGetValue(tenant, out var partition) && partition.TryRecall(generation, queryKey, out match);
    }

    /// <summary>Forgets a remembered match whose entry is gone.</summary>
    public void Forget(string tenant, string queryKey)
    {
        if (_tenants.TryGetValue(tenant, out var partition))
        {
            partition.Forget(queryKey);
        }
    }

    /// <summary>Removes one entry (its response was evicted or deleted).</summary>
    public bool Remove(string tenant, string entryKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(entryKey);
        return _tenants.TryGetValue(tenant, out var partition) && partition.Remove(entryKey);
    }

    /// <summary>
    /// Moves the tenant to <paramref name="generation"/>, dropping every older vector at once. Search
    /// already ignores older generations; this frees their memory.
    /// </summary>
    public void AdvanceGeneration(string tenant, long generation)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        if (_tenants.TryGetValue(tenant, out var partition))
        {
            partition.AdvanceGeneration(generation);
        }
    }

    /// <summary>Releases every partition's lock.</summary>
    public void Dispose()
    {
        foreach (var partition in _tenants.Values)
        {
            partition.Dispose();
        }

        _tenants.Clear();
    }

    /// <summary>The size of one tenant's partition.</summary>
    public TenantIndexStats GetStats(string tenant) =>
        _tenants.TryGetValue(tenant, out var partition) ? partition.Stats() : default;

    /// <summary>Every tenant's partition size, for the gauges.</summary>
    public IEnumerable<KeyValuePair<string, TenantIndexStats>> AllStats() =>
        _tenants.Select(static t => new KeyValuePair<string, TenantIndexStats>(t.Key, t.Value.Stats()));
}
