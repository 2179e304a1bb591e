using Gateway.Transforms.Infrastructure.Redis;
using StackExchange.Redis;

namespace Gateway.Transforms.Caching.Stores.Redis;

/// <summary>
/// The semantic cache's part of the Redis store. A vector record lives at <c>cachevec:{t}:gen:sha256</c> beside its
/// entry, written by the same script, charged to the same quota and expiring with it; the generation's feed
/// <c>cachevecs:{t}:gen</c> lists the entries that got one, so every node can fill its index incrementally.
/// Invalidation needs nothing more: a new generation names new keys, and the reclaimer drops the old ones.
/// </summary>
internal sealed partial class RedisCacheStore
{
    /// <inheritdoc />
    public ValueTask<CacheLookupResult> PeekAsync(string tenantId, string keyHash, long generation, CancellationToken cancellationToken) =>
        LookupAsync(tenantId, generation, keyHash, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<CacheVectorPage?> ReadVectorsAsync(string tenantId, long generation, long after, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        RedisKey[] feed = [RedisKeys.CacheVectorFeed(tenantId, generation)];
        var page = await _guard.ExecuteAsync("cache.vectors", feed[0], db => db.ScriptEvaluateAsync(RedisCacheScripts.ReadVectorFeed, feed, [after, max]), cancellationToken);
        if (!page.Succeeded || page.Value is null)
        {
            return null;
        }

        var flat = (RedisValue[])page.Value!;
        if (flat.Length == 0)
        {
            return CacheVectorPage.Empty(after);
        }

        var hashes = new string[flat.Length / 2];
        var vectorKeys = new RedisKey[hashes.Length];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = (string)flat[2 * i]!;
            vectorKeys[i] = RedisKeys.CacheVector(tenantId, generation, hashes[i]);
        }

        var last = (long)(double)flat[^1];
        var records = await _guard.ExecuteAsync("cache.vectors", vectorKeys[0], db => db.StringGetAsync(vectorKeys), cancellationToken);
        if (!records.Succeeded)
        {
            return null;
        }

        var found = new List<CacheVectorRecord>(hashes.Length);
        for (var i = 0; i < hashes.Length; i++)
        {
            // Expired with its entry since the feed listed it.
            if (!records.Value![i].IsNull)
            {
                found.Add(new CacheVectorRecord(hashes[i], (byte[])records.Value[i]!));
            }
        }

        return new CacheVectorPage(found, last, hashes.Length == max);
    }

    /// <summary>Adds the vector record's key, the feed and their arguments to a write on a semantic route.</summary>
    private static (RedisKey[] Keys, RedisValue[] Args) WithVector(CacheWriteRequest write, RedisKey[] keys, RedisValue[] args)
    {
        if (write.Vector is not { } vector)
        {
            return (keys, args);
        }

        return (
            [.. keys, RedisKeys.CacheVector(write.TenantId, write.Generation, write.KeyHash), RedisKeys.CacheVectorFeed(write.TenantId, write.Generation)],
            [.. args, vector.Record, vector.FeedLength]);
    }
}
