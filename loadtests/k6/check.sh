#!/usr/bin/env bash
# Checks the k6 load tests without k6 (it cannot be installed everywhere); needs node >= 20.6.
#   1. every .js/.mjs under loadtests/k6 parses as an ES module (node --check)
#   2. k6 scripts import only k6 built-ins and local files; pure lib modules import no k6 at all
#   3. type-check: tsc --checkJs (tsconfig.json) over the scripts and lib/ against the k6 API types
#      (@types/k6, pinned in package.json / package-lock.json; `npm ci` when node_modules is missing or stale)
#   4. loadtests/scenarios.json (or $SCENARIO_FILE) is valid: shape, tenant references, reachable targets
#   5. self-test of the pure JS (Zipf sampler, JWT assembly, config resolution, summary helpers)
#   6. dry run of every script against an in-memory fake gateway in virtual time: all thresholds
#      pass for a correct gateway, and each deliberately broken gateway trips the matching threshold
# Works from any directory; exits non-zero if anything fails.
set -euo pipefail

K6_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCENARIO_FILE="${SCENARIO_FILE:-$K6_DIR/../scenarios.json}"
SHIM="$K6_DIR/test/k6-shim/register.mjs"
failures=0

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

command -v node >/dev/null 2>&1 || { echo "node is required" >&2; exit 2; }
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=6)?0:1)'; then
  echo "node >= 20.6 is required (module.register), found $(node --version)" >&2
  exit 2
fi

step "syntax: node --check as ES modules"
checked=0
while IFS= read -r -d '' file; do
  rel="${file#"$K6_DIR"/}"
  # --input-type=module on stdin forces ES-module parsing for .js files whatever package.json says.
  if [[ "$file" == *.mjs ]]; then
    out=$(node --check "$file" 2>&1) || { fail "$rel does not parse"; printf '%s\n' "$out" >&2; continue; }
  else
    out=$(node --check --input-type=module <"$file" 2>&1) || { fail "$rel does not parse"; printf '%s\n' "$out" >&2; continue; }
  fi
  checked=$((checked + 1))
done < <(find "$K6_DIR" -type f \( -name '*.js' -o -name '*.mjs' \) -not -path '*/node_modules/*' -print0 | sort -z)
echo "parsed $checked files"

step "imports"
node "$K6_DIR/test/lint-imports.mjs" "$K6_DIR" || fail "import lint"

step "types: tsc --checkJs against @types/k6"
typecheck() {
  command -v npm >/dev/null 2>&1 || { fail "npm is required for the type-check"; return; }
  # node_modules/.package-lock.json is what npm last installed; a newer package-lock.json means a version bump.
  if [[ ! -d "$K6_DIR/node_modules" || "$K6_DIR/package-lock.json" -nt "$K6_DIR/node_modules/.package-lock.json" ]]; then
    (cd "$K6_DIR" && npm ci --no-audit --no-fund --loglevel=error) || { fail "npm ci in loadtests/k6"; return; }
  fi
  (cd "$K6_DIR" && npx --no -- tsc -p tsconfig.json) || { fail "type-check (tsc -p loadtests/k6/tsconfig.json)"; return; }
  echo "tsc $(cd "$K6_DIR" && npx --no -- tsc --version | sed 's/^Version //'): no type errors"
}
typecheck

step "scenario file"
node --import "$SHIM" "$K6_DIR/test/validate-scenarios.mjs" "$SCENARIO_FILE" || fail "scenario file $SCENARIO_FILE"

step "self-test (pure JS)"
node --import "$SHIM" "$K6_DIR/test/selftest.mjs" || fail "self-test"

step "dry runs against the fake gateway"
dry() { # script mode [-e K=V ...]
  local script="$1" mode="$2"
  shift 2
  (cd "$K6_DIR" && node --import "$SHIM" test/dryrun.mjs "$script" --mode "$mode" --quiet -e "SCENARIO_FILE=$SCENARIO_FILE" "$@") \
    || fail "dry run $script [$mode]"
}
for script in isolation.js sla.js cache.js invalidation.js; do dry "$script" good; done
dry isolation.js noisy-neighbour
dry sla.js no-timeout
dry cache.js no-cache
dry cache.js shared-namespace
dry invalidation.js global-flush
dry invalidation.js no-authz
# Env overrides (tenant subset, scaled rates and durations, relative SCENARIO_FILE via $PWD).
(cd "$K6_DIR" && node --import "$SHIM" test/dryrun.mjs sla.js --mode good --quiet \
  -e SCENARIO_FILE=../scenarios.json -e TENANTS=t02,t05,t08 -e RATE_SCALE=2 -e DURATION_SCALE=0.5) \
  || fail "dry run sla.js with TENANTS/RATE_SCALE/DURATION_SCALE overrides"

echo
if ((failures > 0)); then
  echo "check.sh: $failures check(s) FAILED"
  exit 1
fi
echo "check.sh: all checks passed"
