using System.Globalization;
using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Transforms.Caching.Stores.Redis;

/// <summary>
/// Frees the memory of a tenant's old generations after an invalidation: walks the tenant's own index in pages
/// (<c>ZRANGE</c> by rank) and hands old entries to the reclaim script, which <c>UNLINK</c>s them and corrects the
/// accounting. Never looks at another tenant's keys; anything it cannot finish expires on its own.
/// </summary>
internal sealed partial class RedisCacheReclaimer
{
    private const int Batch = 256;
    private const int Passes = 3;

    private readonly RedisGuard _guard;
    private readonly ILogger _logger;

    public RedisCacheReclaimer(RedisGuard guard, ILogger logger)
    {
        _guard = guard;
        _logger = logger;
    }

    /// <summary>Reclaims now; returns how many entries were removed.</summary>
    public async Task<long> ReclaimAsync(string tenantId, CancellationToken cancellationToken)
    {
        var entryPrefix = RedisKeys.CacheEntryPrefix(tenantId);
        var generationKey = RedisKeys.CacheGeneration(tenantId);
        var index = RedisKeys.CacheIndex(tenantId);
        long removed = 0;

        // A pass can miss a member when concurrent expiry shifts ranks under it; another pass picks it up.
        for (var pass = 0; pass < Passes; pass++)
        {
            var state = await _guard.ExecuteAsync("cache.reclaim", generationKey, async db =>
            {
                var generation = await db.StringGetAsync(generationKey);
                var size = await db.SortedSetLengthAsync(index);
                return (Generation: generation.IsNull ? 0 : (long)generation, Size: size);
            }, cancellationToken);
            if (!state.Succeeded)
            {
                return removed;
            }

            var live = entryPrefix + state.Value.Generation.ToString(CultureInfo.InvariantCulture) + ":";
            long offset = 0;
            long found = 0;
            var maxPages = (state.Value.Size / Batch) + 4;
            for (var page = 0; page < maxPages; page++)
            {
                var start = offset;
                var read = await _guard.ExecuteAsync("cache.reclaim", index, db => db.SortedSetRangeByRankAsync(index, start, start + Batch - 1), cancellationToken);
                if (!read.Succeeded)
                {
                    return removed;
                }

                var members = read.Value!;
                if (members.Length == 0)
                {
                    break;
                }

                // Entries of the live generation stay in the index; step over them.
                var old = members.Where(m => !((string)m!).StartsWith(live, StringComparison.Ordinal)).ToArray();
                offset += members.Length - old.Length;
                if (old.Length == 0)
                {
                    continue;
                }

                found += old.Length;
                var keys = Keys(tenantId, old);
                var run = await _guard.ExecuteAsync("cache.reclaim", keys[0], db => db.ScriptEvaluateAsync(RedisCacheScripts.Reclaim, keys, [entryPrefix]), cancellationToken);
                if (!run.Succeeded || run.Value is null)
                {
                    return removed;
                }

                removed += ((long[])run.Value!)[0];
            }

            if (found == 0)
            {
                break;
            }
        }

        return removed;
    }

    /// <summary>Runs <see cref="ReclaimAsync"/> off the request path.</summary>
    public async Task RunInBackgroundAsync(string tenantId, CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            var removed = await ReclaimAsync(tenantId, stopping).ConfigureAwait(false);
            LogReclaimed(_logger, tenantId, removed);
        }
        catch (OperationCanceledException)
        {
            // Shutting down; the old entries expire on their own and the write script drops them from the index.
        }
        catch (Exception ex)
        {
            LogReclaimFailed(_logger, ex, tenantId);
        }
    }

    private static RedisKey[] Keys(string tenantId, RedisValue[] entries)
    {
        var keys = new List<RedisKey>(4 + (2 * entries.Length))
        {
            RedisKeys.CacheGeneration(tenantId), RedisKeys.CacheIndex(tenantId), RedisKeys.CacheSizes(tenantId), RedisKeys.CacheStats(tenantId),
        };
        foreach (var entry in entries)
        {
            keys.Add((string)entry!);
        }

        // The old entries' vector records and their generations' vector feeds go too: the script unlinks listed keys
        // that are not in the index without counting them (the entry's size already includes its record).
        var prefix = RedisKeys.CacheEntryPrefix(tenantId);
        var generations = new HashSet<long>();
        foreach (var entry in entries)
        {
            var rest = ((string)entry!).AsSpan(prefix.Length);
            var colon = rest.IndexOf(':');
            if (colon > 0 && long.TryParse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
            {
                keys.Add(RedisKeys.CacheVector(tenantId, generation, rest[(colon + 1)..].ToString()));
                generations.Add(generation);
            }
        }

        keys.AddRange(generations.Select(g => (RedisKey)RedisKeys.CacheVectorFeed(tenantId, g)));
        return [.. keys];
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Reclaimed {Removed} entries of old cache generations for tenant {TenantId}")]
    private static partial void LogReclaimed(ILogger logger, string tenantId, long removed);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Reclaiming old cache generations for tenant {TenantId} failed; the entries expire on their own")]
    private static partial void LogReclaimFailed(ILogger logger, Exception exception, string tenantId);
}
