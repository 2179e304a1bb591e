using System.Numerics.Tensors;
using Gateway.Transforms.Caching.Semantic.Guard;

namespace Gateway.Transforms.Caching.Semantic.Index;

/// <summary>
/// The vectors of one context in one contiguous array, so a scan walks memory linearly instead of
/// chasing one heap object per entry. Removal moves the last row into the hole to stay dense.
/// Not thread-safe: <see cref="TenantPartition"/> holds its lock.
/// </summary>
internal sealed class VectorBlock
{
    private readonly int _dimensions;
    private readonly Dictionary<string, int> _rowByKey = new(StringComparer.Ordinal);
    private float[] _vectors;
    private Row[] _rows;
    private int _count;

    public VectorBlock(int dimensions)
    {
        _dimensions = dimensions;
        _vectors = new float[dimensions * 4];
        _rows = new Row[4];
    }

    public int Count => _count;

    public void Add(SemanticEntry entry, long bytes)
    {
        if (_count == _rows.Length)
        {
            var capacity = _rows.Length * 2;
            Array.Resize(ref _rows, capacity);
            Array.Resize(ref _vectors, capacity * _dimensions);
        }

        entry.Vector.Span.CopyTo(_vectors.AsSpan(_count * _dimensions, _dimensions));
        _rows[_count] = new Row(entry.EntryKey, entry.Generation, entry.Details, bytes);
        _rowByKey[entry.EntryKey] = _count;
        _count++;
    }

    /// <returns>The bytes the removed entry was charged.</returns>
    public long Remove(string entryKey)
    {
        if (!_rowByKey.Remove(entryKey, out var row))
        {
            return 0;
        }

        var bytes = _rows[row].Bytes;
        var last = _count - 1;
        if (row != last)
        {
            _vectors.AsSpan(last * _dimensions, _dimensions).CopyTo(_vectors.AsSpan(row * _dimensions, _dimensions));
            _rows[row] = _rows[last];
            _rowByKey[_rows[row].EntryKey] = row;
        }

        _rows[last] = default;
        _count--;
        ShrinkIfSparse();
        return bytes;
    }

    public int Search(long generation, ReadOnlySpan<float> query, float minSimilarity, Span<SemanticCandidate> results)
    {
        var found = 0;
        var vectors = _vectors.AsSpan(0, _count * _dimensions);
        for (var i = 0; i < _count; i++)
        {
            ref readonly var row = ref _rows[i];
            if (row.Generation != generation)
            {
                continue;
            }

            // Both sides are unit vectors, so the dot product is the cosine similarity.
            var similarity = TensorPrimitives.Dot(vectors.Slice(i * _dimensions, _dimensions), query);
            if (similarity < minSimilarity || (found == results.Length && similarity <= results[found - 1].Similarity))
            {
                continue;
            }

            // Insertion into a short sorted list: k is a handful, so this beats a heap.
            var position = found < results.Length ? found++ : found - 1;
            while (position > 0 && results[position - 1].Similarity < similarity)
            {
                results[position] = results[position - 1];
                position--;
            }

            results[position] = new SemanticCandidate(row.EntryKey, similarity, row.Details);
        }

        return found;
    }

    private void ShrinkIfSparse()
    {
        if (_rows.Length > 64 && _count < _rows.Length / 4)
        {
            var capacity = _rows.Length / 2;
            Array.Resize(ref _rows, capacity);
            Array.Resize(ref _vectors, capacity * _dimensions);
        }
    }

    private readonly record struct Row(string EntryKey, long Generation, QueryDetails Details, long Bytes);
}
