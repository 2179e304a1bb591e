using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Transforms.Caching.Stores.Redis;

/// <summary>
/// This node's copy of each tenant's cache generation: trusted for at most <see cref="MaxAge"/>, dropped as soon as
/// an invalidation is announced on <see cref="RedisKeys.InvalidationChannel"/>. A lookup is then usually a single GET,
/// and every node sees an invalidation within a second even if it missed the announcement.
/// </summary>
internal sealed partial class RedisGenerationCache
{
    /// <summary>Longest time a generation is trusted without asking Redis.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly RedisGuard _guard;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RedisSubscription _announcements;
    private readonly ConcurrentDictionary<string, Cached> _generations = new(StringComparer.Ordinal);
    private long _epoch;

    public RedisGenerationCache(RedisGuard guard, TimeProvider time, ILogger logger)
    {
        _guard = guard;
        _time = time;
        _logger = logger;
        _announcements = new RedisSubscription(guard, RedisKeys.InvalidationChannel, OnAnnouncement, time, logger);
    }

    /// <summary>Whether announcements are being received.</summary>
    public bool IsSubscribed => _announcements.IsSubscribed;

    /// <summary>The tenant's generation; null when Redis cannot be asked.</summary>
    public async ValueTask<long?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        EnsureSubscribed();
        var now = _time.GetTimestamp();
        if (_generations.TryGetValue(tenantId, out var cached) && _time.GetElapsedTime(cached.FetchedAt, now) < MaxAge)
        {
            return cached.Generation;
        }

        var epoch = Interlocked.Read(ref _epoch);
        var key = RedisKeys.CacheGeneration(tenantId);
        var read = await _guard.ExecuteAsync("cache.generation", key, db => db.StringGetAsync(key), cancellationToken);
        if (!read.Succeeded)
        {
            return null;
        }

        var generation = read.Value.IsNull ? 0 : (long)read.Value;

        // An announcement that arrived while we were reading may be newer than what we read: do not pin it.
        if (Interlocked.Read(ref _epoch) == epoch)
        {
            _generations[tenantId] = new Cached(generation, now);
        }

        return generation;
    }

    /// <summary>Records a generation this node has just set itself.</summary>
    public void Set(string tenantId, long generation)
    {
        Interlocked.Increment(ref _epoch);
        _generations[tenantId] = new Cached(generation, _time.GetTimestamp());
    }

    /// <summary>Forgets the tenant's generation (a write found it stale).</summary>
    public void Forget(string tenantId) => _generations.TryRemove(tenantId, out _);

    /// <summary>Announces a new generation to every node.</summary>
    public async Task PublishAsync(string tenantId, long generation)
    {
        var message = string.Concat(tenantId, ":", generation.ToString(CultureInfo.InvariantCulture));
        var channel = RedisChannel.Literal(RedisKeys.InvalidationChannel);
        var published = await _guard.ExecuteAsync("cache.publish", db => db.PublishAsync(channel, message), CancellationToken.None);
        if (!published.Succeeded)
        {
            LogPublishFailed(_logger, tenantId);
        }
    }

    /// <summary>Subscribes to announcements once the multiplexer exists; retried at most once a second.</summary>
    public void EnsureSubscribed() => _announcements.EnsureSubscribed();

    private void OnAnnouncement(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message;
        var separator = text?.LastIndexOf(':') ?? -1;
        if (separator <= 0)
        {
            return;
        }

        Interlocked.Increment(ref _epoch);
        _generations.TryRemove(text![..separator], out _);
    }

    private readonly record struct Cached(long Generation, long FetchedAt);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Could not announce the invalidation of tenant {TenantId}; other nodes see it within a second")]
    private static partial void LogPublishFailed(ILogger logger, string tenantId);
}
