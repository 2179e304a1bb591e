using Gateway.Transforms.Caching.Serialization;
using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Transforms.Caching.Stores.Redis;

/// <summary>
/// The shared store on Redis. Entries live under <c>cache:{tenant}:gen:sha256</c>; writes, invalidation,
/// reclaim and usage are Lua scripts over one tenant's keys (see <see cref="RedisCacheScripts"/>). Every call
/// goes through <see cref="RedisGuard"/>: a failure or an open circuit is reported as unavailable and the
/// request bypasses the cache.
/// </summary>
/// <remarks>
/// Scripts are sent with <c>ScriptEvaluateAsync(string, ...)</c>: the client loads each once per server and then
/// sends only its SHA1, reloading it on <c>NOSCRIPT</c> after a server restart.
/// </remarks>
internal sealed partial class RedisCacheStore : ITenantCacheStore, IAsyncDisposable
{
    private const int MaxUsageRounds = 64;

    private readonly RedisGuard _guard;
    private readonly ILogger<RedisCacheStore> _logger;
    private readonly RedisGenerationCache _generations;
    private readonly RedisCacheReclaimer _reclaimer;
    private readonly RedisCacheCounters _counters;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Creates the store over the shared guarded connection.</summary>
    public RedisCacheStore(RedisGuard guard, TimeProvider time, ILogger<RedisCacheStore> logger)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _guard = guard;
        _logger = logger;
        _generations = new RedisGenerationCache(guard, time, logger);
        _reclaimer = new RedisCacheReclaimer(guard, logger);
        _counters = new RedisCacheCounters(guard, time);
    }

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public bool IsShared => true;

    /// <inheritdoc />
    public bool IsAvailable => _guard.Multiplexer?.IsConnected == true && !_guard.Breaker.IsOpen;

    /// <summary>Whether this node currently receives invalidation announcements.</summary>
    public bool IsSubscribed => _generations.IsSubscribed;

    /// <inheritdoc />
    public async ValueTask<CacheLookupResult> LookupAsync(string tenantId, string keyHash, CancellationToken cancellationToken)
    {
        if (await _generations.GetAsync(tenantId, cancellationToken) is not { } generation)
        {
            return CacheLookupResult.Unavailable;
        }

        return await LookupAsync(tenantId, generation, keyHash, cancellationToken);
    }

    /// <summary>Reads the entry of <paramref name="generation"/> (one GET), uncounted.</summary>
    public async ValueTask<CacheLookupResult> LookupAsync(string tenantId, long generation, string keyHash, CancellationToken cancellationToken)
    {

        var key = RedisKeys.CacheEntry(tenantId, generation, keyHash);
        var read = await _guard.ExecuteAsync("cache.get", key, db => db.StringGetAsync(key), cancellationToken);
        if (!read.Succeeded)
        {
            return CacheLookupResult.Unavailable;
        }

        if (read.Value.IsNull)
        {
            return new CacheLookupResult(CacheLookupStatus.Miss, generation, null);
        }

        var status = CacheEntrySerializer.TryRead((byte[])read.Value!, tenantId, out var entry);
        switch (status)
        {
            case CacheEntryReadStatus.Ok:
                return new CacheLookupResult(CacheLookupStatus.Hit, generation, entry);
            case CacheEntryReadStatus.TenantMismatch:
                return new CacheLookupResult(CacheLookupStatus.TenantMismatch, generation, null);
            default:
                LogCorruptEntry(_logger, tenantId);
                return new CacheLookupResult(CacheLookupStatus.Miss, generation, null);
        }
    }

    /// <inheritdoc />
    public ValueTask<long?> GetGenerationAsync(string tenantId, CancellationToken cancellationToken) =>
        _generations.GetAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Added up on this node and written every <see cref="RedisCacheCounters.FlushInterval"/>.</remarks>
    public void RecordLookup(string tenantId, bool hit) => _counters.Count(tenantId, hit);

    /// <inheritdoc />
    public async ValueTask<CacheWriteResult> SetAsync(CacheWriteRequest write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var tenant = write.TenantId;
        RedisKey[] keys =
        [
            RedisKeys.CacheGeneration(tenant), RedisKeys.CacheIndex(tenant), RedisKeys.CacheSizes(tenant),
            RedisKeys.CacheStats(tenant), RedisKeys.CacheEntry(tenant, write.Generation, write.KeyHash),
        ];
        RedisValue[] args =
        [
            write.Generation, write.Value, Milliseconds(write.Ttl), write.LimitBytes, Milliseconds(write.MetadataTtl),
        ];
        (keys, args) = WithVector(write, keys, args);
        var run = await _guard.ExecuteAsync("cache.set", keys[0], db => db.ScriptEvaluateAsync(RedisCacheScripts.Write, keys, args), cancellationToken);
        if (!run.Succeeded || run.Value is null)
        {
            return CacheWriteResult.Unavailable;
        }

        var result = (long[])run.Value!;
        var status = result[0] switch
        {
            0 => CacheWriteStatus.Stored,
            1 => CacheWriteStatus.SkippedQuota,
            _ => CacheWriteStatus.StaleGeneration,
        };
        if (status == CacheWriteStatus.StaleGeneration)
        {
            _generations.Forget(tenant);
        }

        return new CacheWriteResult(status, result[2], result[3], result.Length > 4 && result[4] == 1);
    }

    /// <inheritdoc />
    public async ValueTask<CacheInvalidationResult?> InvalidateAsync(string tenantId, TimeSpan metadataTtl, CancellationToken cancellationToken)
    {
        RedisKey[] keys = [RedisKeys.CacheGeneration(tenantId), RedisKeys.CacheIndex(tenantId)];
        RedisValue[] args = [Milliseconds(metadataTtl)];
        var run = await _guard.ExecuteAsync("cache.invalidate", keys[0], db => db.ScriptEvaluateAsync(RedisCacheScripts.Invalidate, keys, args), cancellationToken);
        if (!run.Succeeded || run.Value is null)
        {
            return null;
        }

        var result = (long[])run.Value!;
        var generation = result[0];
        _generations.Set(tenantId, generation);
        await _generations.PublishAsync(tenantId, generation);
        _ = _reclaimer.RunInBackgroundAsync(tenantId, _stopping.Token);
        return new CacheInvalidationResult(generation, result[1]);
    }

    /// <inheritdoc />
    public Task<long> ReclaimAsync(string tenantId, CancellationToken cancellationToken) =>
        _reclaimer.ReclaimAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<CacheUsageSnapshot?> GetUsageAsync(string tenantId, CancellationToken cancellationToken)
    {
        // This node's own lookups are in the figures at once; other nodes' within one flush interval.
        await _counters.FlushAsync(tenantId);
        RedisKey[] keys = [RedisKeys.CacheIndex(tenantId), RedisKeys.CacheSizes(tenantId), RedisKeys.CacheStats(tenantId)];

        // Each run drops at most one batch of expired members; a tenant with more runs again.
        for (var round = 0; round < MaxUsageRounds; round++)
        {
            var run = await _guard.ExecuteAsync("cache.usage", keys[0], db => db.ScriptEvaluateAsync(RedisCacheScripts.Usage, keys), cancellationToken);
            if (!run.Succeeded || run.Value is null)
            {
                return null;
            }

            var result = (long[])run.Value!;
            if (result[4] == 0 || round == MaxUsageRounds - 1)
            {
                return new CacheUsageSnapshot(result[0], result[1], result[2], result[3]);
            }
        }

        return null;
    }

    /// <inheritdoc />
    /// <remarks>Subscribes to invalidation announcements; retried lazily on lookups while Redis is down.</remarks>
    public void Start() => _generations.EnsureSubscribed();

    /// <inheritdoc />
    /// <remarks>Writes the pending lookup counts, then stops the background work.</remarks>
    public async ValueTask DisposeAsync()
    {
        await _counters.DisposeAsync();
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    private static long Milliseconds(TimeSpan value) => Math.Max(1, (long)Math.Ceiling(value.TotalMilliseconds));

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "Unreadable cache entry for tenant {TenantId}; treated as a miss")]
    private static partial void LogCorruptEntry(ILogger logger, string tenantId);
}
