namespace Gateway.Transforms.Throttling;

/// <summary>
/// The shared limiter: GCRA (generic cell rate algorithm) as one Lua script, run once per admission.
/// </summary>
/// <remarks>
/// <para>
/// State is a single number per tenant, the theoretical arrival time (TAT) in microseconds of the Redis server's
/// clock (<c>TIME</c>), so the nodes' clocks never matter. Each admitted request moves the TAT one emission
/// interval (<c>1 / rate</c>) into the future; a request is refused when that would put the TAT more than
/// <c>burst</c> intervals ahead of now. Refusals leave the state alone: only admitted requests count, so a client
/// hammering a closed door does not push its own reopening further out.
/// </para>
/// <para>
/// <c>KEYS[1]</c> = <c>ratelimit:{tenant}</c>; <c>ARGV</c> = rate (requests per second, may be fractional), burst
/// (bucket size, at least 1), cost (1). Rate and burst come from the settings in force for every call, so a reload
/// or an auto-throttle applies to the next request. The key expires (<c>PX</c>) when the bucket would be full again,
/// since a missing key means exactly that.
/// </para>
/// <para>
/// Returns <c>{allowed (0|1), remaining, retry_after_ms, reset_after_ms}</c>: remaining is how many more requests
/// would be admitted at once; retry_after_ms (refusals only) is when the next one would be; reset_after_ms is when
/// the whole burst is available again. All rounded up to whole milliseconds.
/// </para>
/// </remarks>
internal static class GcraScript
{
    /// <summary>The script text (sent with EVALSHA once the server has seen it).</summary>
    public const string Text = """
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local interval = 1000000 / rate
        local capacity = interval * burst
        local tat = tonumber(redis.call('GET', KEYS[1]))
        if not tat or tat < now then
          tat = now
        end
        local new_tat = tat + interval * cost
        local allow_at = new_tat - capacity
        local diff = now - allow_at
        if diff < 0 then
          local remaining = math.floor((now - (tat - capacity)) / interval)
          if remaining < 0 then remaining = 0 end
          return {0, remaining, math.ceil(-diff / 1000), math.ceil((tat - now) / 1000)}
        end
        local reset_after = new_tat - now
        redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', math.ceil(reset_after / 1000))
        return {1, math.floor(diff / interval), 0, math.ceil(reset_after / 1000)}
        """;
}
