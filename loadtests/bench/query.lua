-- wrk script for loadtests/bench/run-wrk.sh: POST /query with a bearer token.
--   BENCH_TOKEN   the Authorization bearer token (required)
--   BENCH_MODE    "unique": every request a new query text (a cache miss each time, counter per thread);
--                 "fixed": the same text every time (after the first request, a cache hit)
--   BENCH_NONCE   prefix that keeps one run's texts apart from earlier runs' cache entries ("fixed" mode: the
--                 script sends exactly the body run-wrk.sh warmed and probed with curl)
--   BENCH_COUNT   "1": also count statuses and X-Cache / X-Cache-Status values per response. That makes wrk
--                 parse every response into Lua, which costs the generator CPU, so run-wrk.sh only sets it on
--                 the unrecorded check runs; the recorded runs are checked with server-side counters instead.
-- done() prints one machine-readable line: RESULT <req/s> <p50 us> <p99 us> <requests> <non-2xx> <socket errors>
-- and, with BENCH_COUNT=1, a second one: COUNTS status=<code>:<n> ... cache=<value>:<n> ...

local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
local mode = os.getenv("BENCH_MODE") or "unique"
local nonce = os.getenv("BENCH_NONCE") or tostring(os.time())
local count = os.getenv("BENCH_COUNT") == "1"

local threads = {}
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

local counter = 0
local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}
local fixed_body = '{"query":"bench ' .. nonce .. ' what does the platform handbook say about caching?"}'

function request()
  local body = fixed_body
  if mode == "unique" then
    counter = counter + 1
    body = string.format('{"query":"bench %s t%d n%d: what does the platform handbook say about topic %d?"}', nonce, tid, counter, counter)
  end
  return wrk.format("POST", "/query", headers, body)
end

if count then
  -- Per-thread tallies, read back by done() through thread:get.
  statuses = {}
  caches = {}
  function response(status, hdrs, body)
    local s = tostring(status)
    statuses[s] = (statuses[s] or 0) + 1
    local c = hdrs["X-Cache"] or hdrs["x-cache"] or hdrs["X-Cache-Status"] or hdrs["x-cache-status"] or "-"
    caches[c] = (caches[c] or 0) + 1
  end
end

local function tally(name)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get(name) or {}) do total[key] = (total[key] or 0) + n end
  end
  local parts = {}
  for key, n in pairs(total) do table.insert(parts, key .. ":" .. n) end
  table.sort(parts)
  return table.concat(parts, ",")
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %d %d %d %d %d\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    summary.requests, summary.errors.status, socket_errors))
  if count then
    io.write(string.format("COUNTS status=%s cache=%s\n", tally("statuses"), tally("caches")))
  end
end
