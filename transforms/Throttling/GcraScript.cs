namespace Gateway.Transforms.Throttling;

/// <summary>
/// The shared limiter: GCRA (generic cell rate algorithm) as one Lua script, which admits one request or, for a node
/// that asks for it, a small batch of admissions (a lease) in one call.
/// </summary>
/// <remarks>
/// <para>
/// State is one value per key, the theoretical arrival time (TAT) of the Redis server's clock (<c>TIME</c>), so the
/// nodes' clocks never matter. Each admission moves the TAT one emission interval (<c>1 / rate</c>) into the future; a
/// request is refused when that would put the TAT more than <c>burst</c> intervals ahead of now. Refusals leave the
/// state alone: only admissions count, so a client hammering a closed door does not push its own reopening further out.
/// </para>
/// <para>
/// The TAT is stored as <c>seconds:microseconds</c> and the arithmetic works on its distance ahead of now, which is
/// small, so an interval far below a microsecond (a rate in the millions per second) is still added exactly. (A single
/// double of microseconds since 1970 has a resolution of 0.25 µs: above ~4M req/s the interval vanished in it, the
/// script wrote <c>SET … PX 0</c>, Redis refused that, and every admission failed.) The key expires (<c>PX</c>, at
/// least 1 ms) when the bucket would be full again, since a missing key means exactly that.
/// </para>
/// <para>
/// <c>KEYS[1]</c> = the limiter's key (<c>RedisKeys.RateLimit</c>); <c>ARGV</c> = rate (requests per second, may be
/// fractional), burst (bucket size, at least 1), want (admissions the caller would like at once, at least 1),
/// fraction (the share of the admissions available right now that one call may take). A call is granted
/// <c>min(want, max(1, floor(available × fraction)))</c> admissions: a batch only while the tenant is far below its
/// limit, one at a time near it. Rate and burst come from the settings in force for every call, so a reload or an
/// auto-throttle applies to the next call.
/// </para>
/// <para>
/// Returns <c>{granted, remaining, retry_after_us, reset_after_us}</c>: granted is 0 on a refusal; remaining is how
/// many more requests would be admitted at once after this call; retry_after_us (refusals only) is when the next one
/// would be; reset_after_us is when the whole burst is available again. Times in whole microseconds, rounded up.
/// </para>
/// </remarks>
internal static class GcraScript
{
    /// <summary>The script text (sent with EVALSHA once the server has seen it).</summary>
    public const string Text = """
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local want = tonumber(ARGV[3])
        local fraction = tonumber(ARGV[4])
        local clock = redis.call('TIME')
        local now_s = tonumber(clock[1])
        local now_us = tonumber(clock[2])
        local interval = 1000000 / rate
        local capacity = interval * burst
        local ahead = 0
        local stored = redis.call('GET', KEYS[1])
        if stored then
          local s, us = string.match(stored, '^(%d+):([%d%.]+)$')
          if s then
            ahead = (tonumber(s) - now_s) * 1000000 + (tonumber(us) - now_us)
            if ahead < 0 then ahead = 0 end
          end
        end
        local available = math.floor((capacity - ahead) / interval + 1e-9)
        if available < 1 then
          return {0, 0, math.ceil(ahead + interval - capacity), math.ceil(ahead)}
        end
        local granted = 1
        if want > 1 then
          granted = math.min(want, math.max(1, math.floor(available * fraction)))
        end
        ahead = ahead + interval * granted
        local total = now_us + ahead
        local carry = math.floor(total / 1000000)
        redis.call('SET', KEYS[1], string.format('%d:%.6f', now_s + carry, total - carry * 1000000), 'PX', math.max(1, math.ceil(ahead / 1000)))
        return {granted, available - granted, 0, math.ceil(ahead)}
        """;
}
