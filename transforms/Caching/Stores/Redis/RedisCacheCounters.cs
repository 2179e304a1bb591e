using System.Collections.Concurrent;
using Gateway.Transforms.Infrastructure.Redis;
using StackExchange.Redis;

namespace Gateway.Transforms.Caching.Stores.Redis;

/// <summary>
/// The shared hit and miss counters of <see cref="RedisCacheStore"/>: lookups are added up per tenant on this node and
/// written to the tenant's stats hash every <see cref="FlushInterval"/> (one script call per tenant that had lookups),
/// instead of one write per lookup. Every node's counts land in the same hash, so the figures stay correct across nodes,
/// at most one interval behind. Counts that could not be written (Redis down) are kept and written later.
/// </summary>
internal sealed class RedisCacheCounters : IAsyncDisposable
{
    /// <summary>How often pending counts are written.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    // Hit and miss counters survive at least this long after the last lookup.
    private static readonly TimeSpan CounterTtl = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly RedisGuard _guard;
    private readonly ITimer _timer;
    private int _flushing;

    /// <summary>Creates the counters; they are written every <see cref="FlushInterval"/> from now on.</summary>
    public RedisCacheCounters(RedisGuard guard, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(time);
        _guard = guard;
        _timer = time.CreateTimer(static s => _ = ((RedisCacheCounters)s!).FlushAsync(), this, FlushInterval, FlushInterval);
    }

    /// <summary>Counts one lookup of <paramref name="tenantId"/>.</summary>
    public void Count(string tenantId, bool hit)
    {
        var pending = _pending.GetOrAdd(tenantId, static _ => new Pending());
        if (hit)
        {
            Interlocked.Increment(ref pending.Hits);
        }
        else
        {
            Interlocked.Increment(ref pending.Misses);
        }
    }

    /// <summary>Writes every tenant's pending counts now (the timer's work; overlapping runs are skipped).</summary>
    public async Task FlushAsync()
    {
        if (Interlocked.Exchange(ref _flushing, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var (tenantId, pending) in _pending)
            {
                await WriteAsync(tenantId, pending).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _flushing, 0);
        }
    }

    /// <summary>Writes one tenant's pending counts now (before this node reads the tenant's figures).</summary>
    public Task FlushAsync(string tenantId) =>
        _pending.TryGetValue(tenantId, out var pending) ? WriteAsync(tenantId, pending) : Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        await FlushAsync().ConfigureAwait(false);
    }

    private async Task WriteAsync(string tenantId, Pending pending)
    {
        var hits = Interlocked.Exchange(ref pending.Hits, 0);
        var misses = Interlocked.Exchange(ref pending.Misses, 0);
        if (hits == 0 && misses == 0)
        {
            return;
        }

        RedisKey[] keys = [RedisKeys.CacheStats(tenantId)];
        RedisValue[] args = [hits, misses, (long)CounterTtl.TotalMilliseconds];
        var written = await _guard.ExecuteAsync("cache.count", keys[0], db => db.ScriptEvaluateAsync(RedisCacheScripts.Count, keys, args), CancellationToken.None)
            .ConfigureAwait(false);
        if (!written.Succeeded)
        {
            // Not lost: written with the next flush that succeeds.
            Interlocked.Add(ref pending.Hits, hits);
            Interlocked.Add(ref pending.Misses, misses);
        }
    }

    private sealed class Pending
    {
        public long Hits;
        public long Misses;
    }
}
