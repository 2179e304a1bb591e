#!/usr/bin/env bash
# Throughput of the gateway against plain YARP with wrk: Redis configured, a backend that answers at once, every
# arm interleaved round-robin, CPU per request for the gateway, redis-server and wrk itself.
#
#   bash loadtests/bench/run-wrk.sh                        # ROUNDS=3 DURATION=10 THREADS=2 CONNECTIONS=32
#   ROUNDS=5 DURATION=15 bash loadtests/bench/run-wrk.sh
#   ARMS="baseline hit-redis" ROUNDS=1 PROFILE=20 bash loadtests/bench/run-wrk.sh   # + 20 s perf profile of a Redis hit
#
# Settings (environment):
#   ROUNDS (3), DURATION (10, seconds per arm and round), THREADS (2), CONNECTIONS (32), WARMUP (3, seconds of
#   unrecorded load per arm first), CHECK (2, seconds of the counted check run per arm before and after the
#   rounds), ARMS (all below, in this order), REDIS_BUDGET_MS (1000, or "default"; see below), MAX_SECONDS
#   (watchdog; default from the settings), OUT (report folder, default loadtests/reports/wrk-<time>),
#   PROFILE (0; N > 0: after the rounds, perf-record the server of each arm in PROFILE_ARMS (default hit-redis) for
#   N s of that arm, then collect its System.Runtime counters for N s more when dotnet-counters is installed. Every
#   .NET process then starts with DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0, so quote the table
#   of a plain run instead),
#   GATEWAY_ENV (unset; extra VAR=value settings for this revision's gateways only, not the baseline nor BASE_REV's, so
#   BASE_REV=HEAD GATEWAY_ENV=... compares a runtime setting in one interleaved run; shown in the summary),
#   BASE_REV (unset; a git revision, e.g. 50ceba0: also build the gateway of that revision from `git archive` into a
#   temporary folder, start it twice (with its own redis-server, and embedded) and add a "base-<arm>" twin after
#   every gateway arm of ARMS, so one run compares before and after on the same load; BASE_ARMS limits the twins).
#
# What it starts, all on free 127.0.0.1 ports, all stopped by the EXIT trap:
#   redis-server        no persistence; the Redis gateway's store and limiter
#   nginx backend       POST /query answers a static 1 KB JSON document at once (1 worker); stub_status counts requests.
#                       Without nginx, RagBackendSim with no service time takes its place and nginx-cache is skipped.
#   nginx cache         nginx proxy_cache in front of the same backend, key = URI + Authorization + body
#   plain YARP          loadtests/YarpBaseline, proxying to the backend
#   gateway (Redis)     Gateway:Redis:Configuration = the redis-server above
#   gateway (embedded)  the in-process store and local limiter
#   RagBackendSim (fixed 1 ms), a second plain YARP and an embedded gateway in front of it: only for the *-sim1ms
#                       arms, which repeat the previous version of this script so old figures stay comparable.
# Gateway tenants: "bench" (limit 1M req/s, burst 100k: far above what wrk can offer, yet every request still
# pays the admission) and "tiny" (1 req/s, burst 1: after the first request nearly everything is refused).
# Not 10M req/s as before: above ~4M req/s the GCRA script's interval (< 0.125 us) vanishes in the double that
# holds the microsecond clock, SET ... PX 0 fails, and every Redis admission errors out (the circuit opens, the
# cache is bypassed and limits go local), so the "Redis" arms would not be using Redis at all.
# Redis budgets: the gateway gives a Redis call 50 ms (Gateway:Redis:OperationTimeoutMs) and an admission 20 ms
# (Gateway:Throttling:RedisBudgetMs) before it falls back, and 5 failures in a row open the circuit for 2 s
# (cache bypassed, limits local). On a 2-core box shared with wrk and redis-server, and with other programs
# running, a queueing spike crosses 20 ms now and then, and the arm then measures the degraded path, not Redis.
# So both budgets are REDIS_BUDGET_MS (1000) here; REDIS_BUDGET_MS=default keeps the shipped values. Either way
# every recorded run counts limiter fallbacks and Redis failures, and an arm with any is marked FAILED.
#
# Arms (bench.py defines them; every one is checked, see the "check" column):
#   baseline             plain YARP, unique bodies
#   miss                 Redis gateway, unique bodies: limiter + lookup + proxy + store, X-Cache: MISS
#   hit-redis            Redis gateway, one warmed body: X-Cache: HIT, the backend sees nothing
#   reject-429           Redis gateway, tenant "tiny": 429 from the Redis limiter
#   reject-401           Redis gateway, a token signed with another key
#   hit-embedded         embedded gateway, one warmed body
#   nginx-cache          nginx proxy_cache hit (the anchor), X-Cache-Status: HIT
#   miss-embedded, reject-429-embedded, baseline-sim1ms, miss-embedded-sim1ms   extra rows
#
# Output: req/s, p50, p99, ratio to plain YARP and CPU seconds per 10k requests (server under test, redis-server,
# wrk, backend, other programs) per arm, as Markdown on stdout and in $OUT/summary.md; raw runs in
# $OUT/runs.jsonl, counted check runs in $OUT/checks.jsonl, server logs next to them. Exit 1 when an arm fails
# its checks (the table is still written), 2 when a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}; DURATION=${DURATION%s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-3}; WARMUP=${WARMUP%s}
CHECK=${CHECK:-2}; CHECK=${CHECK%s}
PROFILE=${PROFILE:-0}
ALL_ARMS="baseline miss hit-redis reject-429 reject-401 hit-embedded nginx-cache miss-embedded reject-429-embedded baseline-sim1ms miss-embedded-sim1ms"
ARMS=${ARMS:-$ALL_ARMS}
PROFILE_ARMS=${PROFILE_ARMS:-hit-redis}
GATEWAY_ENV=${GATEWAY_ENV:-}
BASE_REV=${BASE_REV:-}
GATEWAY_ARMS="miss hit-redis reject-429 reject-401 hit-embedded miss-embedded reject-429-embedded"
if [[ -n $BASE_REV ]]; then
  git rev-parse --verify --quiet "$BASE_REV^{commit}" >/dev/null || { echo "run-wrk: BASE_REV $BASE_REV is not a commit" >&2; exit 2; }
  BASE_ARMS=${BASE_ARMS:-$GATEWAY_ARMS}
  with_base=""
  for arm in $ARMS; do
    with_base+="$arm "
    [[ " $GATEWAY_ARMS " == *" $arm "* && " $BASE_ARMS " == *" $arm "* ]] && with_base+="base-$arm "
  done
  ARMS=$with_base
fi
REDIS_BUDGET_MS=${REDIS_BUDGET_MS:-1000}
OUT=${OUT:-loadtests/reports/wrk-$(date +%Y%m%d-%H%M%S)}
[[ $REDIS_BUDGET_MS == default ]] || { [[ $REDIS_BUDGET_MS =~ ^[0-9]+$ ]] && (( REDIS_BUDGET_MS >= 1 && REDIS_BUDGET_MS <= 1000 )); } ||
  { echo "run-wrk: REDIS_BUDGET_MS is 1..1000 (ms; the gateway's limit for RedisBudgetMs) or 'default'" >&2; exit 2; }
for v in ROUNDS DURATION THREADS CONNECTIONS WARMUP CHECK PROFILE; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "run-wrk: $v must be a whole number (got '${!v}')" >&2; exit 2; }
done
(( DURATION >= 1 && DURATION <= 600 && ROUNDS >= 1 && ROUNDS <= 50 && WARMUP >= 1 && CHECK >= 1 && PROFILE <= 300 )) ||
  { echo "run-wrk: DURATION 1..600, ROUNDS 1..50, WARMUP and CHECK >= 1, PROFILE <= 300" >&2; exit 2; }

for tool in wrk redis-server redis-cli dotnet curl python3; do
  command -v "$tool" >/dev/null || { echo "run-wrk: $tool is not installed" >&2; exit 2; }
done
NGINX=$(command -v nginx || true)
if [[ -z $NGINX ]]; then
  echo "run-wrk: NOTE: nginx is not installed: the backend is RagBackendSim with no service time, and the nginx-cache arm is skipped" >&2
  ARMS=$(echo "$ARMS" | tr ' ' '\n' | grep -vx nginx-cache | tr '\n' ' ')
fi
if (( PROFILE > 0 )); then
  command -v perf >/dev/null || { echo "run-wrk: PROFILE needs perf" >&2; exit 2; }
  for arm in $PROFILE_ARMS; do
    [[ " $ARMS " == *" $arm "* ]] || { echo "run-wrk: PROFILE_ARMS names $arm, which is not in ARMS" >&2; exit 2; }
  done
fi
NEED_SIM=0; [[ -z $NGINX || $ARMS == *sim1ms* ]] && NEED_SIM=1
NARMS=$(wc -w <<<"$ARMS")
MAX_SECONDS=${MAX_SECONDS:-$(( 900 + NARMS * (ROUNDS * (DURATION + 2) + WARMUP + 2 * CHECK + 6) + $(wc -w <<<"$PROFILE_ARMS") * PROFILE * 3 ))}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/run-wrk.XXXXXX)
[[ $EUID -eq 0 ]] && chmod 755 "$WORK"   # nginx workers run as nobody
PIDS=()

stop_all() { # TERM everything started, in reverse order; KILL what is still there after 10 s
  local i pid
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.2
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_all
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
(
  sleep "$MAX_SECONDS" & sp=$!
  trap 'kill $sp 2>/dev/null; exit 0' TERM
  wait $sp
  echo "run-wrk: watchdog: ${MAX_SECONDS}s elapsed, stopping" >&2
  kill -TERM $$
) &
PIDS+=($!)

# N free loopback ports at once (held open together, so they are distinct).
read -r REDIS BACK NCACHE YARP GWR GWE SIM YARPS GWS REDISB GWRB GWEB < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(12)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()')

wait_http() { # url [pid]
  for _ in $(seq 1 150); do
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    [[ -n ${2:-} ]] && ! kill -0 "$2" 2>/dev/null && break
    sleep 0.2
  done
  echo "run-wrk: $1 did not come up (logs in $OUT)" >&2; return 1
}

# ------------------------------------------------------------------------------------------------ build
# Same runtime settings for every .NET process, the ones the Dockerfile ships with.
export DOTNET_gcServer=1 DOTNET_TieredPGO=1 ASPNETCORE_ENVIRONMENT=Production
DOTNET_ENV='DOTNET_gcServer=1 DOTNET_TieredPGO=1 (as the Dockerfile), ASPNETCORE_ENVIRONMENT=Production'
if (( PROFILE > 0 )); then
  # perf can only name JIT-compiled frames with the perf map, and only outside the W^X double mapping.
  export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
  DOTNET_ENV+=', DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 (profile run)'
fi
DOTNET_COUNTERS=$(command -v dotnet-counters || { [[ -x $HOME/.dotnet/tools/dotnet-counters ]] && echo "$HOME/.dotnet/tools/dotnet-counters"; } || true)

PUB=$REPO/loadtests/reports/publish
echo "== publish (Release) to $PUB"
publish() { # project name
  dotnet publish "$1" -c Release -o "$PUB/$2" -v q -nologo /p:UseAppHost=false >"$OUT/publish-$2.log" 2>&1 ||
    { cat "$OUT/publish-$2.log" >&2; echo "run-wrk: publishing $1 failed" >&2; exit 1; }
}
publish gateway/Gateway.csproj gateway
if [[ -n $BASE_REV ]]; then
  BASE_SRC=$WORK/base-src
  mkdir -p "$BASE_SRC"
  git archive "$BASE_REV" | tar -x -C "$BASE_SRC"
  BASE_COMMIT=$(git rev-parse --short "$BASE_REV")
  echo "== publish the gateway of $BASE_COMMIT (BASE_REV) to $PUB/gateway-base"
  dotnet publish "$BASE_SRC/gateway/Gateway.csproj" -c Release -o "$PUB/gateway-base" -v q -nologo /p:UseAppHost=false \
    >"$OUT/publish-gateway-base.log" 2>&1 || { cat "$OUT/publish-gateway-base.log" >&2; echo "run-wrk: publishing $BASE_REV failed" >&2; exit 1; }
fi
publish loadtests/YarpBaseline/YarpBaseline.csproj yarp
(( NEED_SIM )) && publish loadtests/RagBackendSim/RagBackendSim.csproj sim
GW_DLL=$PUB/gateway/Gateway.dll
YARP_DLL=$PUB/yarp/YarpBaseline.dll
SIM_DLL=$PUB/sim/RagBackendSim.dll

# ---------------------------------------------------------------------------------------------- services
echo "== start on 127.0.0.1: redis :$REDIS, backend :$BACK, nginx cache :$NCACHE, YARP :$YARP, gateway (Redis) :$GWR, gateway (embedded) :$GWE"
redis-server --port "$REDIS" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes \
  --logfile "$OUT/redis.log" >/dev/null 2>&1 &
REDIS_PID=$!; PIDS+=($REDIS_PID)
REDISB_PID=0
if [[ -n $BASE_REV ]]; then
  redis-server --port "$REDISB" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes \
    --logfile "$OUT/redis-base.log" >/dev/null 2>&1 &
  REDISB_PID=$!; PIDS+=($REDISB_PID)
fi

# A ~1 KB answer (no '$', no single quote: it goes into nginx's return directive verbatim).
ANSWER=$(python3 -c '
import json
text = "Answers are cached per tenant and expire with the tier TTL; a tenant over its limit gets 429 with Retry-After. "
doc = {"tenant_id": "bench", "model": "static-1", "answer": text * 6,
       "sources": [{"doc": "handbook/caching.md", "score": 0.91}, {"doc": "handbook/limits.md", "score": 0.84}],
       "usage": {"prompt_tokens": 412, "completion_tokens": 168}}
s = json.dumps(doc, separators=(",", ":"))
s = s[:-1] + ",\"pad\":\"" + "x" * max(0, 1024 - len(s) - 9) + "\"}"
print(s)')

NGINX_USER=""
[[ $EUID -eq 0 ]] && NGINX_USER="user nobody $(id -gn nobody);"
nginx_conf() { # name body-of-http-block -> path of the config; starts nothing
  local dir=$WORK/nginx-$1
  mkdir -p "$dir/tmp" "$dir/cache"
  [[ $EUID -eq 0 ]] && chown -R nobody "$dir/tmp" "$dir/cache"
  cat >"$dir/nginx.conf" <<EOF
$NGINX_USER
daemon off;
master_process on;
worker_processes $2;
pid $dir/nginx.pid;
error_log $OUT/nginx-$1.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
$3
}
EOF
  echo "$dir/nginx.conf"
}
start_nginx() { # name conf
  "$NGINX" -e "$OUT/nginx-$1.error.log" -p "$WORK/nginx-$1" -c "$2" &
  local pid=$!; PIDS+=($pid); echo "$pid" >"$WORK/nginx-$1.master"
}

if [[ -n $NGINX ]]; then
  conf=$(nginx_conf backend 1 "
  server {
    listen 127.0.0.1:$BACK;
    location = /query { default_type application/json; return 200 '$ANSWER'; }
    location = /healthz { return 200 'ok'; }
    location = /nginx_status { stub_status; }
  }")
  start_nginx backend "$conf"
  BACK_PID=$(cat "$WORK/nginx-backend.master")
  BACKEND_URL=http://127.0.0.1:$BACK; BACKEND_KIND=nginx; BACKEND_STATS=$BACKEND_URL/nginx_status
  BACKEND_NOTE="nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), 1 worker, answers POST /query with a static ${#ANSWER}-byte JSON document (return 200), keep-alive."
  conf=$(nginx_conf cache auto "
  proxy_cache_path $WORK/nginx-cache/cache levels=1:2 keys_zone=bench:16m max_size=256m inactive=1h use_temp_path=off;
  upstream backend { server 127.0.0.1:$BACK; keepalive 64; }
  server {
    listen 127.0.0.1:$NCACHE;
    location = /query {
      client_body_buffer_size 64k;
      client_max_body_size 64k;
      proxy_cache bench;
      proxy_cache_methods POST;
      proxy_cache_key \"\$request_uri|\$http_authorization|\$request_body\";
      proxy_cache_valid 200 1h;
      proxy_cache_lock on;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_pass http://backend;
      add_header X-Cache-Status \$upstream_cache_status always;
    }
    location = /healthz { return 200 'ok'; }
  }")
  if [[ " $ARMS " == *" nginx-cache "* ]]; then start_nginx cache "$conf"; NCACHE_PID=$(cat "$WORK/nginx-cache.master"); fi
fi
if (( NEED_SIM )); then
  dotnet "$SIM_DLL" --urls "http://127.0.0.1:$SIM" --Sim:Capacity=4096 --Sim:FixedLatencyMs=1 \
    --Logging:LogLevel:Default=Warning >"$OUT/sim.log" 2>&1 &
  SIM_PID=$!; PIDS+=($SIM_PID)
  if [[ -z $NGINX ]]; then
    # No nginx: a second simulator with no service time is the fast backend.
    dotnet "$SIM_DLL" --urls "http://127.0.0.1:$BACK" --Sim:Capacity=4096 --Sim:FixedLatencyMs=0 \
      --Logging:LogLevel:Default=Warning >"$OUT/backend.log" 2>&1 &
    BACK_PID=$!; PIDS+=($BACK_PID)
    BACKEND_URL=http://127.0.0.1:$BACK; BACKEND_KIND=sim; BACKEND_STATS=$BACKEND_URL/stats
    BACKEND_NOTE="RagBackendSim with no service time (nginx is not installed)."
  fi
fi

if [[ $REDIS_BUDGET_MS == default ]]; then
  BUDGETS=""; THROTTLING=""; REDIS_BUDGET_NOTE="the gateway's shipped Redis budgets (50 ms per call, 20 ms per admission)."
else
  BUDGETS=", \"OperationTimeoutMs\": $REDIS_BUDGET_MS"
  THROTTLING="\"RedisBudgetMs\": $REDIS_BUDGET_MS"
  REDIS_BUDGET_NOTE="Redis budgets raised to $REDIS_BUDGET_MS ms (shipped: 50 ms per call, 20 ms per admission) so that a scheduling spike on the shared cores cannot switch an arm to the degraded path."
fi
gateway_config() { # backend-url redis-configuration
  cat <<JSON
{
  "Logging": { "LogLevel": { "Default": "Warning" } },
  "Gateway": {
    "Jwt": { "Issuer": "bench", "Audience": "rag-platform", "SigningKey": "bench-signing-key-0123456789abcdef0123456789", "AllowSharedSecret": true },
    "Tiers": {
      "bench": { "TimeoutMs": 5000, "CacheTtlSeconds": 3600, "MaxQps": 1000000, "Burst": 100000, "CacheQuota": "8GB" },
      "tiny": { "TimeoutMs": 5000, "CacheTtlSeconds": 3600, "MaxQps": 1, "Burst": 1, "CacheQuota": "1GB" }
    },
    "Tenants": { "bench": { "Tier": "bench" }, "tiny": { "Tier": "tiny" } },
    "Redis": { "Configuration": "$2"$BUDGETS },
    "Throttling": { $THROTTLING },
    "Fairness": { "MaxInFlight": 4096 }
  },
  "ReverseProxy": {
    "Routes": { "rag-query": { "ClusterId": "rag", "Match": { "Path": "/query", "Methods": [ "POST" ] }, "Metadata": { "Cache": "true" } } },
    "Clusters": { "rag": { "Destinations": { "backend": { "Address": "$1/" } } } }
  }
}
JSON
}
gateway_config "$BACKEND_URL" "127.0.0.1:$REDIS" >"$OUT/gateway-redis.json"
gateway_config "$BACKEND_URL" "" >"$OUT/gateway-embedded.json"
gateway_config "http://127.0.0.1:$SIM" "" >"$OUT/gateway-sim.json"
sed 's/bench-signing-key-0123456789abcdef0123456789/some-other-key-that-the-gateway-does-not-trust/' "$OUT/gateway-embedded.json" >"$WORK/wrong-key.json"

start_dotnet() { # name dll args... -> pid in $LAST_PID; this revision's gateways (not the baseline, not BASE_REV's) get GATEWAY_ENV too
  local name=$1; shift
  if [[ $name == gateway* && $name != *-base && -n $GATEWAY_ENV ]]; then
    env $GATEWAY_ENV dotnet "$@" >"$OUT/$name.log" 2>&1 &
  else
    dotnet "$@" >"$OUT/$name.log" 2>&1 &
  fi
  LAST_PID=$!; PIDS+=($LAST_PID)
}
start_dotnet yarp "$YARP_DLL" --urls "http://127.0.0.1:$YARP" --ReverseProxy:Clusters:backend:Destinations:d1:Address="$BACKEND_URL"; YARP_PID=$LAST_PID
start_dotnet gateway-redis "$GW_DLL" --config "$OUT/gateway-redis.json" --urls "http://127.0.0.1:$GWR"; GWR_PID=$LAST_PID
start_dotnet gateway-embedded "$GW_DLL" --config "$OUT/gateway-embedded.json" --urls "http://127.0.0.1:$GWE"; GWE_PID=$LAST_PID
YARPS_PID=0; GWS_PID=0; GWRB_PID=0; GWEB_PID=0
if [[ -n $BASE_REV ]]; then
  gateway_config "$BACKEND_URL" "127.0.0.1:$REDISB" >"$OUT/gateway-redis-base.json"
  start_dotnet gateway-redis-base "$PUB/gateway-base/Gateway.dll" --config "$OUT/gateway-redis-base.json" --urls "http://127.0.0.1:$GWRB"; GWRB_PID=$LAST_PID
  start_dotnet gateway-embedded-base "$PUB/gateway-base/Gateway.dll" --config "$OUT/gateway-embedded.json" --urls "http://127.0.0.1:$GWEB"; GWEB_PID=$LAST_PID
fi
if [[ $ARMS == *sim1ms* ]]; then
  start_dotnet yarp-sim "$YARP_DLL" --urls "http://127.0.0.1:$YARPS" --ReverseProxy:Clusters:backend:Destinations:d1:Address="http://127.0.0.1:$SIM"; YARPS_PID=$LAST_PID
  start_dotnet gateway-sim "$GW_DLL" --config "$OUT/gateway-sim.json" --urls "http://127.0.0.1:$GWS"; GWS_PID=$LAST_PID
fi

TOKEN=$(dotnet "$GW_DLL" token --tenant bench --lifetime 7200 --config "$OUT/gateway-embedded.json")
TINY=$(dotnet "$GW_DLL" token --tenant tiny --lifetime 7200 --config "$OUT/gateway-embedded.json")
BAD=$(dotnet "$GW_DLL" token --tenant bench --lifetime 7200 --config "$WORK/wrong-key.json")

for _ in $(seq 1 50); do redis-cli -p "$REDIS" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$REDIS" ping >/dev/null || { echo "run-wrk: redis-server did not come up" >&2; exit 1; }
if (( REDISB_PID )); then
  for _ in $(seq 1 50); do redis-cli -p "$REDISB" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$REDISB" ping >/dev/null || { echo "run-wrk: the base redis-server did not come up" >&2; exit 1; }
fi
wait_http "$BACKEND_URL/healthz" "$BACK_PID"
[[ -n ${NCACHE_PID:-} ]] && wait_http "http://127.0.0.1:$NCACHE/healthz" "$NCACHE_PID"
(( NEED_SIM )) && wait_http "http://127.0.0.1:$SIM/healthz" "$SIM_PID"
wait_http "http://127.0.0.1:$YARP/healthz" "$YARP_PID"   # proxied to the backend's /healthz
wait_http "http://127.0.0.1:$GWR/readyz" "$GWR_PID"
wait_http "http://127.0.0.1:$GWE/readyz" "$GWE_PID"
(( YARPS_PID )) && wait_http "http://127.0.0.1:$YARPS/healthz" "$YARPS_PID"
(( GWS_PID )) && wait_http "http://127.0.0.1:$GWS/readyz" "$GWS_PID"
(( GWRB_PID )) && wait_http "http://127.0.0.1:$GWRB/readyz" "$GWRB_PID"
(( GWEB_PID )) && wait_http "http://127.0.0.1:$GWEB/readyz" "$GWEB_PID"

# ------------------------------------------------------------------------------------------------ probes
# One request (two for cached arms: the first warms the entry) per arm with curl, with exactly the body wrk's
# fixed mode sends: the arm must answer what it claims before anything is measured.
NONCE=$(date +%s%N)
FIXED_BODY='{"query":"bench '"$NONCE"' what does the platform handbook say about caching?"}'
probe() { # name url token body expected-status expected-cache-header-value("" = not checked)
  local headers status cache
  headers=$(curl -s -D - -o /dev/null --max-time 10 -X POST "$2/query" -H "Authorization: Bearer $3" \
    -H 'Content-Type: application/json' -H 'Accept: application/json' -d "$4") ||
    { echo "run-wrk: probe $1: no answer from $2/query within 10 s (curl exit $?)" >&2; exit 1; }
  status=$(echo "$headers" | head -1 | awk '{print $2}')
  cache=$(echo "$headers" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache" || tolower($1)=="x-cache-status" {print $2}')
  printf '  %-22s status %s%s\n' "$1" "$status" "${cache:+, cache: $cache}"
  [[ $status == "$5" ]] || { echo "run-wrk: probe $1 answered $status, expected $5" >&2; exit 1; }
  [[ -z $6 || $cache == "$6" ]] || { echo "run-wrk: probe $1 answered cache '$cache', expected $6" >&2; exit 1; }
}
echo "== probes"
unique_body() { echo '{"query":"probe '"$NONCE-$1"' a question nobody asked before"}'; }
probe "yarp" "http://127.0.0.1:$YARP" "$TOKEN" "$(unique_body y)" 200 ""
probe "gateway-redis miss" "http://127.0.0.1:$GWR" "$TOKEN" "$(unique_body r)" 200 MISS
probe "gateway-redis warm" "http://127.0.0.1:$GWR" "$TOKEN" "$FIXED_BODY" 200 ""
probe "gateway-redis hit" "http://127.0.0.1:$GWR" "$TOKEN" "$FIXED_BODY" 200 HIT
probe "gateway-redis tiny" "http://127.0.0.1:$GWR" "$TINY" "$FIXED_BODY" 200 ""   # the burst of 1
probe "gateway-redis 429" "http://127.0.0.1:$GWR" "$TINY" "$FIXED_BODY" 429 ""
probe "gateway-redis 401" "http://127.0.0.1:$GWR" "$BAD" "$FIXED_BODY" 401 ""
probe "gateway-embedded miss" "http://127.0.0.1:$GWE" "$TOKEN" "$(unique_body e)" 200 MISS
probe "gateway-embedded warm" "http://127.0.0.1:$GWE" "$TOKEN" "$FIXED_BODY" 200 ""
probe "gateway-embedded hit" "http://127.0.0.1:$GWE" "$TOKEN" "$FIXED_BODY" 200 HIT
if [[ -n ${NCACHE_PID:-} ]]; then
  probe "nginx-cache miss" "http://127.0.0.1:$NCACHE" "$TOKEN" "$FIXED_BODY" 200 MISS
  probe "nginx-cache hit" "http://127.0.0.1:$NCACHE" "$TOKEN" "$FIXED_BODY" 200 HIT
fi
if (( GWRB_PID )); then
  probe "base gateway-redis miss" "http://127.0.0.1:$GWRB" "$TOKEN" "$(unique_body rb)" 200 MISS
  probe "base gateway-redis warm" "http://127.0.0.1:$GWRB" "$TOKEN" "$FIXED_BODY" 200 ""
  probe "base gateway-redis hit" "http://127.0.0.1:$GWRB" "$TOKEN" "$FIXED_BODY" 200 HIT
  probe "base gateway-redis tiny" "http://127.0.0.1:$GWRB" "$TINY" "$FIXED_BODY" 200 ""
  probe "base gateway-redis 429" "http://127.0.0.1:$GWRB" "$TINY" "$FIXED_BODY" 429 ""
  probe "base gateway-redis 401" "http://127.0.0.1:$GWRB" "$BAD" "$FIXED_BODY" 401 ""
  probe "base gateway-embedded miss" "http://127.0.0.1:$GWEB" "$TOKEN" "$(unique_body eb)" 200 MISS
  probe "base gateway-embedded warm" "http://127.0.0.1:$GWEB" "$TOKEN" "$FIXED_BODY" 200 ""
  probe "base gateway-embedded hit" "http://127.0.0.1:$GWEB" "$TOKEN" "$FIXED_BODY" 200 HIT
fi
if (( GWS_PID )); then
  probe "yarp-sim" "http://127.0.0.1:$YARPS" "$TOKEN" "$(unique_body s)" 200 ""
  probe "gateway-sim miss" "http://127.0.0.1:$GWS" "$TOKEN" "$(unique_body g)" 200 MISS
fi
keys=$(redis-cli -p "$REDIS" dbsize)
(( keys > 0 )) || { echo "run-wrk: the Redis gateway stored nothing in redis-server" >&2; exit 1; }
echo "  redis-server holds $keys keys after the probes"

# -------------------------------------------------------------------------------------------------- run
SPEC=$OUT/spec.json
python3 - "$SPEC" <<PY
import json, os, sys
arms = "$ARMS".split()
def server(url, kind, pid, redis_group=None):
    return {"url": url, "kind": kind, "pids": [pid], "redis": redis_group is not None, "redis_group": redis_group}
servers = {
    "yarp": server("http://127.0.0.1:$YARP", "yarp", $YARP_PID),
    "gw-redis": server("http://127.0.0.1:$GWR", "gateway", $GWR_PID, "redis"),
    "gw-embedded": server("http://127.0.0.1:$GWE", "gateway", $GWE_PID),
    "gw-redis-base": server("http://127.0.0.1:$GWRB", "gateway", $GWRB_PID, "redis-base"),
    "gw-embedded-base": server("http://127.0.0.1:$GWEB", "gateway", $GWEB_PID),
    "nginx-cache": server("http://127.0.0.1:$NCACHE", "nginx", ${NCACHE_PID:-0}),
    "yarp-sim": server("http://127.0.0.1:$YARPS", "yarp", $YARPS_PID),
    "gw-sim": server("http://127.0.0.1:$GWS", "gateway", $GWS_PID),
}
groups = {name: {"pids": [p for p in s["pids"] if p], "with_children": s["kind"] == "nginx"} for name, s in servers.items()}
groups["redis"] = {"pids": [$REDIS_PID]}
groups["redis-base"] = {"pids": [$REDISB_PID] if $REDISB_PID else []}
groups["fast-backend"] = {"pids": [$BACK_PID], "with_children": "$BACKEND_KIND" == "nginx"}
groups["sim-backend"] = {"pids": [${SIM_PID:-0}] if ${SIM_PID:-0} else []}
machine = f"{os.cpu_count()} CPUs, " + next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
json.dump({
    "arms": arms, "rounds": $ROUNDS, "duration": $DURATION, "warmup": $WARMUP, "check_seconds": $CHECK,
    "threads": $THREADS, "connections": $CONNECTIONS, "profile_seconds": $PROFILE, "profile_arms": "$PROFILE_ARMS".split(),
    "lua": "$REPO/loadtests/bench/query.lua", "nonce": "$NONCE", "dotnet_counters": "$DOTNET_COUNTERS",
    "tokens": {"bench": "$TOKEN", "tiny": "$TINY", "bad": "$BAD"},
    "servers": servers, "groups": groups,
    "backends": {"fast": {"kind": "$BACKEND_KIND", "stats_url": "$BACKEND_STATS"},
                 "sim": {"kind": "sim", "stats_url": "http://127.0.0.1:$SIM/stats"}},
    "date": "$(date -u +%Y-%m-%dT%H:%MZ)",
    "commit": "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- gateway transforms config loadtests/YarpBaseline || echo ' + local changes')",
    "base_commit": "${BASE_COMMIT:-}",
    "machine": machine, "loadavg": open("/proc/loadavg").read().split()[:3],
    "backend_note": "$BACKEND_NOTE",
    "dotnet_env": "$DOTNET_ENV" + ("; gateways only: $GATEWAY_ENV" if "$GATEWAY_ENV" else ""),
    "redis_note": "$(redis-server --version | awk '{print $3}' | tr -d 'v='), standalone on loopback, no persistence (--save '' --appendonly no); $REDIS_BUDGET_NOTE",
}, open(sys.argv[1], "w"), indent=1)
PY

python3 loadtests/bench/bench.py run "$SPEC" "$OUT" &
BENCH_PID=$!; PIDS+=($BENCH_PID)
status=0; wait "$BENCH_PID" || status=$?
echo "summary: $OUT/summary.md   raw runs: $OUT/runs.jsonl   checks: $OUT/checks.jsonl"
exit "$status"
