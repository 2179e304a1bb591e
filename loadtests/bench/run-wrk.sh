#!/usr/bin/env bash
# Throughput benchmark of the gateway against plain YARP, with wrk, arms interleaved round-robin.
#
#   bash loadtests/bench/run-wrk.sh            # ROUNDS=3 DURATION=10s THREADS=2 CONNECTIONS=32 by default
#   ROUNDS=5 DURATION=15s bash loadtests/bench/run-wrk.sh
#
# Starts, on free 127.0.0.1 ports: the simulated RAG backend (capacity 4096, fixed 1 ms service time, so the
# backend is never the bottleneck), the plain YARP baseline in front of it, the gateway with its embedded store,
# the gateway with Redis (its own redis-server), then runs every arm for DURATION in each of ROUNDS rounds:
#   baseline      plain YARP, unique bodies
#   miss          gateway (embedded store), unique bodies: every request a cache miss proxied to the backend
#   hit-redis     gateway (Redis), the same body every time: cache hits from Redis (the limiter is in Redis too)
#   hit-embedded  gateway (embedded store), the same body: cache hits from the in-process store
#   reject-401    gateway, a token signed with the wrong key
#   reject-429    gateway, a tenant limited to 1 req/s
# and prints req/s, p50 and p99 per arm (median over rounds) and the ratio to the baseline's req/s.
# Bounded: every wrk run is DURATION long, a watchdog stops the script after MAX_SECONDS, and the EXIT trap
# kills everything it started.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-3s}
MAX_SECONDS=${MAX_SECONDS:-1200}
ARMS=${ARMS:-"baseline miss hit-redis hit-embedded reject-401 reject-429"}
OUT=${OUT:-loadtests/reports/wrk-$(date +%Y%m%d-%H%M%S)}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; exit 2; }
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
( sleep "$MAX_SECONDS"; echo "run-wrk: watchdog: ${MAX_SECONDS}s elapsed, stopping" >&2; kill -TERM $$ ) 2>/dev/null &
PIDS+=($!)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # url
  for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "run-wrk: $1 did not come up" >&2; return 1
}

echo "== build (Release)"
dotnet build -c Release -v q -nologo loadtests/RagBackendSim/RagBackendSim.csproj >/dev/null
dotnet build -c Release -v q -nologo loadtests/YarpBaseline/YarpBaseline.csproj >/dev/null
dotnet build -c Release -v q -nologo gateway/Gateway.csproj >/dev/null
BIN=net10.0
SIM_DLL=loadtests/RagBackendSim/bin/Release/$BIN/RagBackendSim.dll
YARP_DLL=loadtests/YarpBaseline/bin/Release/$BIN/YarpBaseline.dll
GW_DLL=gateway/bin/Release/$BIN/Gateway.dll

SIM=$(free_port); YARP=$(free_port); GW=$(free_port); GWR=$(free_port); REDIS=$(free_port)
export DOTNET_gcServer=1 ASPNETCORE_ENVIRONMENT=Production

echo "== start: backend :$SIM, YARP :$YARP, gateway (embedded) :$GW, gateway (Redis) :$GWR, redis :$REDIS"
redis-server --port "$REDIS" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes >"$OUT/redis.log" 2>&1 &
PIDS+=($!)
dotnet "$SIM_DLL" --urls "http://127.0.0.1:$SIM" --Sim:Capacity=4096 --Sim:FixedLatencyMs=1 \
  --Logging:LogLevel:Default=Warning >"$OUT/backend.log" 2>&1 &
PIDS+=($!)
dotnet "$YARP_DLL" --urls "http://127.0.0.1:$YARP" \
  --ReverseProxy:Clusters:backend:Destinations:d1:Address="http://127.0.0.1:$SIM" >"$OUT/yarp.log" 2>&1 &
PIDS+=($!)

# Gateway configuration: tenant "bench" may send far more than wrk can (its limit never triggers, but every
# request still pays the limiter admission), tenant "tiny" is limited to 1 req/s for the 429 arm.
CONFIG=$WORK/gateway.json
cat >"$CONFIG" <<JSON
{
  "Logging": { "LogLevel": { "Default": "Warning" } },
  "Gateway": {
    "Jwt": { "Issuer": "bench", "Audience": "rag-platform", "SigningKey": "bench-signing-key-0123456789abcdef0123456789" },
    "Tiers": {
      "bench": { "TimeoutMs": 5000, "CacheTtlSeconds": 60, "MaxQps": 10000000, "Burst": 1000000, "CacheQuota": "8GB" },
      "tiny": { "TimeoutMs": 5000, "CacheTtlSeconds": 60, "MaxQps": 1, "Burst": 1, "CacheQuota": "1GB" }
    },
    "Tenants": { "bench": { "Tier": "bench" }, "tiny": { "Tier": "tiny" } },
    "Redis": { "Configuration": "" },
    "Fairness": { "MaxInFlight": 4096 }
  },
  "ReverseProxy": {
    "Routes": { "rag-query": { "ClusterId": "rag", "Match": { "Path": "/query", "Methods": [ "POST" ] }, "Metadata": { "Cache": "true" } } },
    "Clusters": { "rag": { "Destinations": { "sim": { "Address": "http://127.0.0.1:$SIM/" } } } }
  }
}
JSON
sed 's/bench-signing-key-0123456789abcdef0123456789/some-other-key-that-the-gateway-does-not-trust/' "$CONFIG" >"$WORK/wrong-key.json"
dotnet "$GW_DLL" --config "$CONFIG" --urls "http://127.0.0.1:$GW" >"$OUT/gateway-embedded.log" 2>&1 &
PIDS+=($!)
dotnet "$GW_DLL" --config "$CONFIG" --urls "http://127.0.0.1:$GWR" --Gateway:Redis:Configuration="127.0.0.1:$REDIS" >"$OUT/gateway-redis.log" 2>&1 &
PIDS+=($!)

TOKEN=$(dotnet "$GW_DLL" token --tenant bench --lifetime 7200 --config "$CONFIG")
TINY=$(dotnet "$GW_DLL" token --tenant tiny --lifetime 7200 --config "$CONFIG")
BAD=$(dotnet "$GW_DLL" token --tenant bench --lifetime 7200 --config "$WORK/wrong-key.json")
wait_http "http://127.0.0.1:$SIM/healthz"; wait_http "http://127.0.0.1:$GW/healthz"; wait_http "http://127.0.0.1:$GWR/healthz"
wait_http "http://127.0.0.1:$YARP/healthz"

arm_url() { case $1 in baseline) echo "http://127.0.0.1:$YARP";; hit-redis) echo "http://127.0.0.1:$GWR";; *) echo "http://127.0.0.1:$GW";; esac; }
arm_token() { case $1 in reject-401) echo "$BAD";; reject-429) echo "$TINY";; *) echo "$TOKEN";; esac; }
arm_mode() { case $1 in baseline|miss) echo unique;; *) echo fixed;; esac; }
arm_expect() { case $1 in reject-401) echo 401;; reject-429) echo 429;; *) echo 200;; esac; }

# One request per arm with curl: the arm really is what it claims (status, and X-Cache on the gateway arms).
NONCE=$(date +%s%N)
echo "== sanity check"
for arm in $ARMS; do
  body='{"query":"bench '"$NONCE"' what does the platform handbook say about caching?"}'
  # The miss arm is checked on a first request, the others on a repeat (what wrk's fixed body sends).
  tries=2; [[ $(arm_mode "$arm") == unique ]] && tries=1
  for i in $(seq 1 "$tries"); do
    headers=$(curl -s -D - -o /dev/null -X POST "$(arm_url "$arm")/query" -H "Authorization: Bearer $(arm_token "$arm")" \
      -H 'Content-Type: application/json' -d "$body")
  done
  status=$(echo "$headers" | head -1 | awk '{print $2}')
  cache=$(echo "$headers" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache"{print $2}')
  printf '  %-13s status %s%s\n' "$arm" "$status" "${cache:+, X-Cache: $cache}"
  [[ $status == "$(arm_expect "$arm")" ]] || { echo "run-wrk: arm $arm answered $status, expected $(arm_expect "$arm")" >&2; exit 1; }
  if [[ $arm == hit-* && $cache != HIT ]]; then echo "run-wrk: arm $arm does not hit the cache" >&2; exit 1; fi
  if [[ $arm == miss && $cache != MISS ]]; then echo "run-wrk: arm miss answered X-Cache: $cache" >&2; exit 1; fi
done

run_wrk() { # arm duration -> RESULT line
  BENCH_TOKEN=$(arm_token "$1") BENCH_MODE=$(arm_mode "$1") BENCH_NONCE="$NONCE-$2-$RANDOM" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --timeout 5s -s loadtests/bench/query.lua "$(arm_url "$1")" | grep '^RESULT'
}

echo "== warm-up ($WARMUP per arm, not recorded)"
for arm in $ARMS; do run_wrk "$arm" "$WARMUP" >/dev/null; done

RESULTS=$OUT/results.tsv
printf 'round\tarm\trps\tp50_us\tp99_us\trequests\tnon2xx\tsocket_errors\n' >"$RESULTS"
echo "== $ROUNDS rounds x {$ARMS}, $DURATION each, wrk -t$THREADS -c$CONNECTIONS"
for round in $(seq 1 "$ROUNDS"); do
  for arm in $ARMS; do
    read -r _ rps p50 p99 requests non2xx socket < <(run_wrk "$arm" "$DURATION")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$arm" "$rps" "$p50" "$p99" "$requests" "$non2xx" "$socket" >>"$RESULTS"
    printf '  round %s %-13s %9s req/s  p50 %6.2f ms  p99 %6.2f ms  non-2xx %s  socket errors %s\n' \
      "$round" "$arm" "$rps" "$(awk "BEGIN{print $p50/1000}")" "$(awk "BEGIN{print $p99/1000}")" "$non2xx" "$socket"
  done
done

echo
echo "== summary: median over $ROUNDS rounds (wrk -t$THREADS -c$CONNECTIONS -d$DURATION; $(nproc) cores shared by wrk, servers and backend)"
python3 - "$RESULTS" "$ARMS" <<'PY' | tee "$OUT/summary.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
arms = sys.argv[2].split()
med = lambda arm, key: statistics.median(float(r[key]) for r in rows if r["arm"] == arm)
base = med("baseline", "rps") if any(r["arm"] == "baseline" for r in rows) else None
targets = {"miss": ">= 0.9x", "hit-redis": ">= 1.2x", "reject-401": "> 1x", "reject-429": "> 1x"}
print(f"{'arm':<13} {'req/s':>9} {'min..max req/s':>17} {'p50 ms':>8} {'p99 ms':>8} {'vs baseline':>11}  target")
for arm in arms:
    rps = [float(r["rps"]) for r in rows if r["arm"] == arm]
    ratio = f"{med(arm, 'rps') / base:.2f}x" if base else "-"
    print(f"{arm:<13} {med(arm, 'rps'):>9.0f} {min(rps):>8.0f}..{max(rps):<8.0f} {med(arm, 'p50_us') / 1000:>8.2f} {med(arm, 'p99_us') / 1000:>8.2f} {ratio:>11}  {targets.get(arm, '')}")
PY
echo "raw results: $RESULTS"
