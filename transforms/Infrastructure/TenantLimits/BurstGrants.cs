using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Gateway.Config.Reload;
using Gateway.Transforms.Infrastructure.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Transforms.Infrastructure.TenantLimits;

/// <summary>
/// Temporary burst grants (<c>POST /admin/tenants/{id}/burst</c>): a factor on one tenant's limit that every node applies
/// and that ends by itself. With Redis each grant is one key, <c>burst:{tenant}</c>, whose TTL is the grant's duration,
/// and a change is announced on <see cref="RedisKeys.BurstChannel"/>; each node keeps a copy per tenant, trusted for at
/// most <see cref="MaxAge"/> and re-read at once on an announcement, so every node applies a grant within a second even
/// if it missed the announcement. Without Redis the copy is the store (one node). The request path only ever reads the
/// copy: a lookup never waits for Redis, and a Redis outage keeps the last grant seen until it expires.
/// </summary>
public sealed partial class BurstGrants
{
    /// <summary>Longest time a node applies its copy of a grant (or of its absence) without re-reading it.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    /// <summary>Longest grant accepted.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisGuard _guard;
    private readonly TimeProvider _time;
    private readonly ILogger<BurstGrants> _logger;
    private readonly RedisSubscription _announcements;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Creates the grants and the <c>gateway.tenant.burst_factor</c> gauge of the configured tenants.</summary>
    internal BurstGrants(RedisGuard guard, IGatewaySettings settings, IMeterFactory meterFactory, TimeProvider time, ILogger<BurstGrants> logger)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _guard = guard;
        _time = time;
        _logger = logger;
        _announcements = new RedisSubscription(guard, RedisKeys.BurstChannel, OnAnnouncement, time, logger);
        BurstGrantMetrics.Create(meterFactory, settings, this);
    }

    /// <summary>Whether grants are shared with other nodes through Redis (otherwise this node holds them).</summary>
    public bool IsShared => _guard.IsConfigured;

    /// <summary>
    /// Grants <paramref name="tenantId"/> <paramref name="factor"/> times its limit for <paramref name="duration"/>,
    /// replacing any grant in force. Null when the shared store cannot be written (nothing changed).
    /// </summary>
    public async ValueTask<BurstGrant?> GrantAsync(string tenantId, double factor, TimeSpan duration, string? grantedBy, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(factor, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, MaxDuration);
        var now = _time.GetUtcNow();
        var grant = new BurstGrant(factor, now + duration, now, grantedBy);
        if (IsShared)
        {
            var key = RedisKeys.BurstGrant(tenantId);
            var value = JsonSerializer.Serialize(StoredGrant.From(grant), Json);
            var written = await _guard.ExecuteAsync("burst.grant", key, db => db.StringSetAsync(key, value, duration), cancellationToken).ConfigureAwait(false);
            if (!written.Succeeded)
            {
                return null;
            }
        }

        Store(tenantId, grant, NextSequence());
        await AnnounceAsync(tenantId).ConfigureAwait(false);
        LogGranted(_logger, tenantId, factor, grant.ExpiresAt, grantedBy);
        return grant;
    }

    /// <summary>
    /// Ends <paramref name="tenantId"/>'s grant now. Returns the grant that was in force (null: there was none), or
    /// <c>Failed</c> when the shared store cannot be written.
    /// </summary>
    public async ValueTask<(bool Failed, BurstGrant? Ended)> EndAsync(string tenantId, CancellationToken cancellationToken)
    {
        var before = await GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (IsShared)
        {
            var key = RedisKeys.BurstGrant(tenantId);
            var deleted = await _guard.ExecuteAsync("burst.end", key, db => db.KeyDeleteAsync(key), cancellationToken).ConfigureAwait(false);
            if (!deleted.Succeeded)
            {
                return (true, null);
            }
        }

        Store(tenantId, null, NextSequence());
        await AnnounceAsync(tenantId).ConfigureAwait(false);
        if (before is not null)
        {
            LogEnded(_logger, tenantId, before.Factor);
        }

        return (false, before);
    }

    /// <summary>The grant in force for <paramref name="tenantId"/>, read from the shared store (this node's copy when it cannot be read).</summary>
    public async ValueTask<BurstGrant?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (IsShared)
        {
            await RefreshAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }

        return Copy(tenantId);
    }

    /// <summary>
    /// The factor the request path applies to <paramref name="tenantId"/> now: the grant's, or 1. Reads this node's copy
    /// only; a copy older than <see cref="MaxAge"/> is re-read in the background.
    /// </summary>
    internal double Factor(string tenantId) => Current(tenantId)?.Factor ?? 1;

    /// <summary>This node's copy of the grant in force, re-read in the background when older than <see cref="MaxAge"/>.</summary>
    internal BurstGrant? Current(string tenantId)
    {
        if (!IsShared)
        {
            return Copy(tenantId);
        }

        _announcements.EnsureSubscribed();
        var entry = _entries.GetOrAdd(tenantId, static _ => new Entry());
        var snapshot = entry.Snapshot;
        if (snapshot.FetchedAt == 0 || _time.GetElapsedTime(snapshot.FetchedAt) >= MaxAge)
        {
            StartRefresh(tenantId, entry);
        }

        return Live(snapshot.Grant);
    }

    private BurstGrant? Copy(string tenantId) => _entries.TryGetValue(tenantId, out var entry) ? Live(entry.Snapshot.Grant) : null;

    private BurstGrant? Live(BurstGrant? grant) => grant is not null && grant.ExpiresAt > _time.GetUtcNow() ? grant : null;

    private void StartRefresh(string tenantId, Entry entry)
    {
        if (Interlocked.CompareExchange(ref entry.Refreshing, 1, 0) != 0)
        {
            return;
        }

        _ = RefreshInBackgroundAsync(tenantId, entry);
    }

    private async Task RefreshInBackgroundAsync(string tenantId, Entry entry)
    {
        try
        {
            await RefreshAsync(tenantId, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref entry.Refreshing, 0);
        }
    }

    private async Task RefreshAsync(string tenantId, CancellationToken cancellationToken)
    {
        // Numbered before the read: a read that started before a newer one (or before a grant made here) cannot overwrite it.
        var sequence = NextSequence();
        var key = RedisKeys.BurstGrant(tenantId);
        var read = await _guard.ExecuteAsync("burst.read", key, db => db.StringGetAsync(key), cancellationToken).ConfigureAwait(false);
        var entry = _entries.GetOrAdd(tenantId, static _ => new Entry());
        if (!read.Succeeded)
        {
            // Keep what we had (it still expires on time); try again after MaxAge rather than on every request.
            lock (entry)
            {
                entry.Snapshot = entry.Snapshot with { FetchedAt = _time.GetTimestamp() };
            }

            return;
        }

        Store(tenantId, Parse(read.Value), sequence);
    }

    private void Store(string tenantId, BurstGrant? grant, long sequence)
    {
        var entry = _entries.GetOrAdd(tenantId, static _ => new Entry());
        lock (entry)
        {
            if (sequence > entry.Snapshot.Sequence)
            {
                entry.Snapshot = new Snapshot(grant, _time.GetTimestamp(), sequence);
            }
        }
    }

    private long NextSequence() => Interlocked.Increment(ref _sequence);

    private async Task AnnounceAsync(string tenantId)
    {
        if (!IsShared)
        {
            return;
        }

        var channel = RedisChannel.Literal(RedisKeys.BurstChannel);
        var published = await _guard.ExecuteAsync("burst.publish", db => db.PublishAsync(channel, tenantId), CancellationToken.None).ConfigureAwait(false);
        if (!published.Succeeded)
        {
            LogAnnounceFailed(_logger, tenantId);
        }
    }

    private void OnAnnouncement(RedisChannel channel, RedisValue message)
    {
        var tenantId = (string?)message;
        if (!string.IsNullOrEmpty(tenantId) && _entries.TryGetValue(tenantId, out var entry))
        {
            // Re-read now; until the read answers the old copy stays in force.
            lock (entry)
            {
                entry.Snapshot = entry.Snapshot with { FetchedAt = 0 };
            }

            StartRefresh(tenantId, entry);
        }
    }

    private static BurstGrant? Parse(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<StoredGrant>((string)value!, Json)?.ToGrant();
        }
        catch (JsonException)
        {
            // Not written by this version: treat as no grant rather than fail the request path.
            return null;
        }
    }

    [LoggerMessage(EventId = 440, Level = LogLevel.Warning, Message = "Burst grant for tenant {TenantId}: limit x{Factor} until {ExpiresAt:O}, granted by {GrantedBy}")]
    private static partial void LogGranted(ILogger logger, string tenantId, double factor, DateTimeOffset expiresAt, string? grantedBy);

    [LoggerMessage(EventId = 441, Level = LogLevel.Information, Message = "Burst grant for tenant {TenantId} (x{Factor}) ended early")]
    private static partial void LogEnded(ILogger logger, string tenantId, double factor);

    [LoggerMessage(EventId = 442, Level = LogLevel.Warning, Message = "Could not announce the burst change of tenant {TenantId}; other nodes apply it within a second")]
    private static partial void LogAnnounceFailed(ILogger logger, string tenantId);

    /// <summary>This node's copy of one tenant's grant.</summary>
    private sealed class Entry
    {
        public volatile Snapshot Snapshot = new(null, 0, 0);

        public int Refreshing;
    }

    /// <summary>A grant (or none) as read at <paramref name="FetchedAt"/> (0: never, or to be re-read), by read number <paramref name="Sequence"/>.</summary>
    private sealed record Snapshot(BurstGrant? Grant, long FetchedAt, long Sequence);

    /// <summary>The value of <c>burst:{tenant}</c>: times in Unix milliseconds.</summary>
    private sealed record StoredGrant(double Factor, long ExpiresAt, long GrantedAt, string? GrantedBy)
    {
        public static StoredGrant From(BurstGrant grant) =>
            new(grant.Factor, grant.ExpiresAt.ToUnixTimeMilliseconds(), grant.GrantedAt.ToUnixTimeMilliseconds(), grant.GrantedBy);

        public BurstGrant? ToGrant() => Factor > 1
            ? new BurstGrant(Factor, DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAt), DateTimeOffset.FromUnixTimeMilliseconds(GrantedAt), GrantedBy)
            : null;
    }
}
