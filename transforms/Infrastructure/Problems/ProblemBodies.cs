using System.Collections.Concurrent;

namespace Gateway.Transforms.Infrastructure.Problems;

/// <summary>
/// Problem bodies kept by what they depend on, for the refusals a flood repeats (401 for the same bad token, 429 for a
/// tenant over its limit): the body is serialized once per distinct key, not once per request. Bounded: past
/// <see cref="MaxEntries"/> keys it starts afresh, which only costs serializing again.
/// </summary>
/// <typeparam name="TKey">Everything the body depends on (detail inputs, path, tenant, tier, extension values).</typeparam>
internal sealed class ProblemBodies<TKey>
    where TKey : notnull
{
    /// <summary>Most bodies kept.</summary>
    public const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<TKey, byte[]> _bodies = new();

    /// <summary>The body for <paramref name="key"/>, made by <paramref name="serialize"/> the first time.</summary>
    public byte[] Get<TState>(TKey key, TState state, Func<TKey, TState, byte[]> serialize)
    {
        if (_bodies.TryGetValue(key, out var body))
        {
            return body;
        }

        if (_bodies.Count >= MaxEntries)
        {
            _bodies.Clear();
        }

        return _bodies.GetOrAdd(key, serialize, state);
    }
}
