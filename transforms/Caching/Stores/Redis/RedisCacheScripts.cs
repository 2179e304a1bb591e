namespace Gateway.Transforms.Caching.Stores.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisCacheStore"/>. Each declares every key it touches in <c>KEYS</c>, and
/// all of them carry the same <c>{tenant}</c> hash tag, so each script runs in one Redis Cluster slot.
/// Time comes from the server (<c>TIME</c>) so every node agrees on what has expired.
/// </summary>
/// <remarks>
/// Per-tenant layout: <c>cachemeta:{t}:index</c> (sorted set: entry key scored by expiry in ms),
/// <c>cachemeta:{t}:sizes</c> (hash: entry key to stored bytes), <c>cachemeta:{t}:stats</c> (hash: bytes,
/// hits, misses), <c>cachemeta:{t}:generation</c> (counter), entries <c>cache:{t}:gen:sha256</c>.
/// Invariant: index and sizes outlive every entry they list, stats outlive the index, and when the index is
/// gone its entries are gone too, so a missing index means zero bytes.
/// </remarks>
internal static class RedisCacheScripts
{
    /// <summary>Largest number of expired index members dropped by one script run, to keep each run short.</summary>
    public const int ReapBatch = 1000;

    // Drops expired members from the index and subtracts their sizes. Expects `now` (ms) and the index,
    // sizes and stats keys in locals `index`, `sizes`, `stats`. Leaves `used` (bytes after reaping) and
    // `more` (true when the batch was full).
    private const string Reap = """
        local used = 0
        local more = 0
        if redis.call('EXISTS', index) == 0 then
          redis.call('DEL', sizes)
          if redis.call('EXISTS', stats) == 1 then redis.call('HSET', stats, 'bytes', 0) end
        else
          local expired = redis.call('ZRANGEBYSCORE', index, '-inf', now, 'LIMIT', 0, 1000)
          if #expired > 0 then
            local found = redis.call('HMGET', sizes, unpack(expired))
            local freed = 0
            for i = 1, #expired do freed = freed + (tonumber(found[i]) or 0) end
            redis.call('HDEL', sizes, unpack(expired))
            redis.call('ZREM', index, unpack(expired))
            redis.call('HINCRBY', stats, 'bytes', -freed)
            if #expired == 1000 then more = 1 end
          end
          used = tonumber(redis.call('HGET', stats, 'bytes') or '0')
        end
        """;

    private const string Now = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        """;

    // Extends (never shortens) a key's lifetime to `ms`.
    private const string Extend = """
        local function extend(key, ms)
          if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
        end
        """;

    /// <summary>
    /// Write with quota accounting. KEYS: generation, index, sizes, stats, entry. ARGV: expected generation,
    /// value, ttl ms, limit bytes, metadata ttl ms. Returns {status, generation, used bytes, key count, vector stored}
    /// with status 0 stored, 1 skipped (quota), 2 stale generation.
    /// Semantic routes add KEYS: the entry's vector record, the generation's vector feed; ARGV: the record (empty:
    /// none, and any earlier one is deleted), the feed's length bound. The record is charged with the entry and lives
    /// as long; a tenant whose quota has room for the entry but not for both stores the entry alone.
    /// </summary>
    public const string Write = Extend + "\n" + """
        local generation, index, sizes, stats, entry = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
        local current = tonumber(redis.call('GET', generation) or '0')
        if current ~= tonumber(ARGV[1]) then return {2, current, 0, 0, 0} end
        """ + "\n" + Now + "\n" + Reap + "\n" + """
        local size = string.len(ARGV[2])
        local previous = tonumber(redis.call('HGET', sizes, entry) or '0')
        if used - previous + size > tonumber(ARGV[4]) then
          return {1, current, used, redis.call('ZCARD', index), 0}
        end
        local vector, feed, vsize = KEYS[6], KEYS[7], 0
        if vector and used - previous + size + string.len(ARGV[6]) <= tonumber(ARGV[4]) then vsize = string.len(ARGV[6]) end
        local ttl = tonumber(ARGV[3])
        redis.call('SET', entry, ARGV[2], 'PX', ttl)
        if vsize > 0 then
          redis.call('SET', vector, ARGV[6], 'PX', ttl)
          local last = redis.call('ZRANGE', feed, -1, -1, 'WITHSCORES')
          redis.call('ZADD', feed, tonumber(last[2] or '0') + 1, string.match(entry, '([^:]+)$'))
          local length, bound = redis.call('ZCARD', feed), tonumber(ARGV[7])
          if length > bound then redis.call('ZREMRANGEBYRANK', feed, 0, length - bound - 1) end
          extend(feed, tonumber(ARGV[5]))
        elseif vector then
          redis.call('DEL', vector)
        end
        size = size + vsize
        redis.call('ZADD', index, now + ttl, entry)
        redis.call('HSET', sizes, entry, size)
        used = redis.call('HINCRBY', stats, 'bytes', size - previous)
        local meta = tonumber(ARGV[5])
        extend(index, meta)
        extend(sizes, meta)
        extend(stats, meta)
        extend(generation, meta)
        return {0, current, used, redis.call('ZCARD', index), vsize > 0 and 1 or 0}
        """;

    /// <summary>
    /// Invalidation: bumps the generation. KEYS: generation, index. ARGV: metadata ttl ms.
    /// Returns {new generation, live entries of older generations}. O(log n): nothing is deleted here.
    /// </summary>
    public const string Invalidate = Extend + "\n" + Now + "\n" + """
        local generation, index = KEYS[1], KEYS[2]
        local bumped = redis.call('INCR', generation)
        extend(generation, tonumber(ARGV[1]))
        return {bumped, redis.call('ZCOUNT', index, '(' .. now, '+inf')}
        """;

    /// <summary>
    /// Reclaim of old-generation entries. KEYS: generation, index, sizes, stats, then the entry keys to drop.
    /// ARGV: the tenant's entry prefix <c>cache:{t}:</c>. Entries of the live generation are spared even if
    /// listed. Returns {removed, bytes freed}.
    /// </summary>
    public const string Reclaim = """
        local generation, index, sizes, stats = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local live = ARGV[1] .. (redis.call('GET', generation) or '0') .. ':'
        local removed, freed = 0, 0
        for i = 5, #KEYS do
          local entry = KEYS[i]
          if string.sub(entry, 1, string.len(live)) ~= live then
            local size = tonumber(redis.call('HGET', sizes, entry) or '0')
            redis.call('UNLINK', entry)
            if redis.call('ZREM', index, entry) == 1 then
              redis.call('HDEL', sizes, entry)
              removed = removed + 1
              freed = freed + size
            end
          end
        end
        if freed > 0 then redis.call('HINCRBY', stats, 'bytes', -freed) end
        return {removed, freed}
        """;

    /// <summary>
    /// Usage: drops expired index members, then reports. KEYS: index, sizes, stats.
    /// Returns {hits, misses, bytes, key count, more} where more = 1 asks the caller to run it again.
    /// </summary>
    public const string Usage = """
        local index, sizes, stats = KEYS[1], KEYS[2], KEYS[3]
        """ + "\n" + Now + "\n" + Reap + "\n" + """
        local counts = redis.call('HMGET', stats, 'hits', 'misses')
        return {tonumber(counts[1] or '0'), tonumber(counts[2] or '0'), used, redis.call('ZCARD', index), more}
        """;

    /// <summary>Adds a node's pending lookup counts. KEYS: stats. ARGV: hits, misses, minimum lifetime ms.</summary>
    public const string Count = Extend + "\n" + """
        if tonumber(ARGV[1]) > 0 then redis.call('HINCRBY', KEYS[1], 'hits', ARGV[1]) end
        if tonumber(ARGV[2]) > 0 then redis.call('HINCRBY', KEYS[1], 'misses', ARGV[2]) end
        extend(KEYS[1], tonumber(ARGV[3]))
        return 1
        """;

    /// <summary>
    /// Reads a generation's vector feed (sorted set: entry hash scored by a sequence number). KEYS: feed. ARGV: the
    /// last sequence number seen, page size. Returns {hash, sequence, ...} after it, oldest first. A feed that
    /// restarted (it expired while idle) is read from its start.
    /// </summary>
    public const string ReadVectorFeed = """
        local feed = KEYS[1]
        local last = redis.call('ZRANGE', feed, -1, -1, 'WITHSCORES')
        local after = tonumber(ARGV[1])
        if tonumber(last[2] or '0') < after then after = 0 end
        return redis.call('ZRANGEBYSCORE', feed, '(' .. after, '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
        """;
}
