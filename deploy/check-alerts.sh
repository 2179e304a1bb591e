#!/usr/bin/env bash
# Validates the monitoring assets under deploy/:
#   1. promtool check config   prometheus/prometheus.yml (also checks the rule file it loads)
#   2. promtool check rules    prometheus/gateway-alerts.yml
#   3. promtool test rules     prometheus/gateway-alerts.test.yml
#   4. grafana/tenant-gateway-dashboard.json: well-formed JSON, expected structure, every
#      PromQL expression parses (fed to promtool as a throw-away rule file)
#   5. every gateway_* name in the rules and the dashboard is one the gateway exports, and
#      every recording rule an expression uses is defined
# Runs from any working directory; exits non-zero on the first failure.
# promtool: $PROMTOOL, else PATH, else a few usual install locations.
set -euo pipefail

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROM_DIR="$DEPLOY_DIR/prometheus"
DASHBOARD="$DEPLOY_DIR/grafana/tenant-gateway-dashboard.json"
RULES="$PROM_DIR/gateway-alerts.yml"

fail() { echo "check-alerts: FAIL: $*" >&2; exit 1; }
step() { echo; echo "==> $*"; }

# ---------------------------------------------------------------------------- promtool
PROMTOOL="${PROMTOOL:-}"
if [[ -z "$PROMTOOL" ]]; then
  if command -v promtool >/dev/null 2>&1; then
    PROMTOOL="$(command -v promtool)"
  else
    for candidate in /usr/bin/promtool /usr/local/bin/promtool /opt/prometheus/promtool \
                     /bin/promtool "$HOME/.local/bin/promtool"; do
      if [[ -x "$candidate" ]]; then PROMTOOL="$candidate"; break; fi
    done
  fi
fi
[[ -n "$PROMTOOL" && -x "$PROMTOOL" ]] \
  || fail "promtool not found (apt-get install prometheus, or set PROMTOOL=/path/to/promtool)"
echo "promtool: $PROMTOOL ($("$PROMTOOL" --version 2>&1 | head -n1))"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

step "promtool check config prometheus.yml"
"$PROMTOOL" check config "$PROM_DIR/prometheus.yml" || fail "prometheus.yml"

step "promtool check rules gateway-alerts.yml"
"$PROMTOOL" check rules "$RULES" || fail "gateway-alerts.yml"

step "promtool test rules gateway-alerts.test.yml"
# run from the rules directory so rule_files resolves the same way for every promtool version
(cd "$PROM_DIR" && "$PROMTOOL" test rules gateway-alerts.test.yml) || fail "unit tests"

# ---------------------------------------------------------------------------- dashboard
step "dashboard JSON: $DASHBOARD"
[[ -f "$DASHBOARD" ]] || fail "dashboard missing"
EXPR_RULES="$WORK/dashboard-exprs.rules.json"   # JSON is YAML: promtool reads it as a rule file

if command -v python3 >/dev/null 2>&1; then
  python3 - "$DASHBOARD" "$EXPR_RULES" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
try:
    with open(src, encoding="utf-8") as f:
        d = json.load(f)
except ValueError as e:
    sys.exit(f"invalid JSON: {e}")
errors = []
if not 36 <= d.get("schemaVersion", 0) <= 41:
    errors.append(f"schemaVersion {d.get('schemaVersion')} not ~39")
if not any(i.get("name") == "DS_PROMETHEUS" for i in d.get("__inputs", [])):
    errors.append("no DS_PROMETHEUS input")
vars_ = {v.get("name"): v for v in d.get("templating", {}).get("list", [])}
for name in ("DS_PROMETHEUS", "tenant", "tier"):
    if name not in vars_:
        errors.append(f"template variable {name} missing")
for name in ("tenant", "tier"):
    v = vars_.get(name, {})
    if not (v.get("multi") and v.get("includeAll")):
        errors.append(f"variable {name} must be multi-value with All")
if "label_values(gateway_requests_total, tenant)" not in json.dumps(vars_.get("tenant", {})):
    errors.append("tenant variable must query label_values(gateway_requests_total, tenant)")
def walk(panels):
    for p in panels:
        yield p
        yield from walk(p.get("panels", []))
exprs, ids = [], set()
for p in walk(d.get("panels", [])):
    if p.get("id") in ids:
        errors.append(f"duplicate panel id {p.get('id')}")
    ids.add(p.get("id"))
    if p.get("type") == "row":
        continue
    if not p.get("targets"):
        errors.append(f"panel '{p.get('title')}' has no query")
    for t in p.get("targets", []):
        if not t.get("expr"):
            errors.append(f"panel '{p.get('title')}' target {t.get('refId')} has no expr")
        exprs.append((p.get("title"), t.get("expr", "")))
for name in ("tenant", "tier"):
    q = vars_.get(name, {}).get("definition", "")
    if q.startswith("label_values(") and "," in q:
        inner = q[len("label_values("):q.rindex(",")]
        exprs.append((f"variable {name}", inner))
if errors:
    sys.exit("dashboard: " + "; ".join(errors))
def concrete(e):   # Grafana macros/variables -> literal PromQL, so promtool can parse it
    for a, b in (("$__rate_interval", "5m"), ("$__range", "1h"), ("$__interval", "1m"),
                 ("$tenant", ".*"), ("$tier", ".*")):
        e = e.replace(a, b)
    return e
rules = [{"record": f"dashboard:expr_{i}:check", "expr": concrete(e)} for i, (_, e) in enumerate(exprs)]
with open(out, "w") as f:
    json.dump({"groups": [{"name": "dashboard-exprs", "rules": rules}]}, f)
print(f"dashboard OK: {len(list(walk(d['panels'])))} panels, {len(exprs)} PromQL expressions")
PY
elif command -v node >/dev/null 2>&1; then
  node - "$DASHBOARD" "$EXPR_RULES" <<'JS'
const fs = require("fs");
const [src, out] = process.argv.slice(2);
let d;
try { d = JSON.parse(fs.readFileSync(src, "utf8")); } catch (e) { console.error("invalid JSON: " + e.message); process.exit(1); }
const errors = [];
if (!(d.schemaVersion >= 36 && d.schemaVersion <= 41)) errors.push(`schemaVersion ${d.schemaVersion} not ~39`);
if (!(d.__inputs || []).some(i => i.name === "DS_PROMETHEUS")) errors.push("no DS_PROMETHEUS input");
const vars = Object.fromEntries(((d.templating || {}).list || []).map(v => [v.name, v]));
for (const n of ["DS_PROMETHEUS", "tenant", "tier"]) if (!vars[n]) errors.push(`template variable ${n} missing`);
for (const n of ["tenant", "tier"]) if (!(vars[n] && vars[n].multi && vars[n].includeAll)) errors.push(`variable ${n} must be multi-value with All`);
if (!JSON.stringify(vars.tenant || {}).includes("label_values(gateway_requests_total, tenant)")) errors.push("tenant variable query");
const walk = ps => ps.flatMap(p => [p, ...walk(p.panels || [])]);
const all = walk(d.panels || []), exprs = [], ids = new Set();
for (const p of all) {
  if (ids.has(p.id)) errors.push(`duplicate panel id ${p.id}`);
  ids.add(p.id);
  if (p.type === "row") continue;
  if (!(p.targets || []).length) errors.push(`panel '${p.title}' has no query`);
  for (const t of p.targets || []) { if (!t.expr) errors.push(`panel '${p.title}' target ${t.refId} has no expr`); exprs.push(t.expr || ""); }
}
for (const n of ["tenant", "tier"]) {
  const q = (vars[n] || {}).definition || "";
  if (q.startsWith("label_values(") && q.includes(",")) exprs.push(q.slice("label_values(".length, q.lastIndexOf(",")));
}
if (errors.length) { console.error("dashboard: " + errors.join("; ")); process.exit(1); }
const concrete = e => [["$__rate_interval", "5m"], ["$__range", "1h"], ["$__interval", "1m"], ["$tenant", ".*"], ["$tier", ".*"]]
  .reduce((s, [a, b]) => s.split(a).join(b), e);
fs.writeFileSync(out, JSON.stringify({ groups: [{ name: "dashboard-exprs",
  rules: exprs.map((e, i) => ({ record: `dashboard:expr_${i}:check`, expr: concrete(e) })) }] }));
console.log(`dashboard OK: ${all.length} panels, ${exprs.length} PromQL expressions`);
JS
else
  fail "neither python3 nor node is available to validate the dashboard JSON"
fi

step "dashboard PromQL parses (promtool check rules on the extracted expressions)"
"$PROMTOOL" check rules "$EXPR_RULES" >/dev/null || {
  "$PROMTOOL" check rules "$EXPR_RULES" || true
  fail "a dashboard expression does not parse"
}
echo "  SUCCESS"

# ---------------------------------------------------------------------------- series names
step "only exported gateway_* series are referenced"
ALLOWED=(
  gateway_requests_total
  gateway_request_duration_seconds_bucket gateway_request_duration_seconds_sum gateway_request_duration_seconds_count
  gateway_sla_requests_total
  gateway_tier_timeout_seconds
  gateway_cache_requests_total gateway_cache_writes_total gateway_cache_write_skips_total
  gateway_cache_size_bytes gateway_cache_keys gateway_cache_quota_bytes
  gateway_cache_tenant_mismatches_total gateway_cache_invalidations_total
  gateway_cache_semantic_similarity_bucket gateway_cache_semantic_similarity_sum gateway_cache_semantic_similarity_count
  gateway_cache_semantic_embedding_duration_seconds_bucket gateway_cache_semantic_embedding_duration_seconds_sum
  gateway_cache_semantic_embedding_duration_seconds_count
  gateway_cache_semantic_vectors gateway_cache_semantic_index_size_bytes
  gateway_throttle_rejections_total gateway_throttle_effective_limit gateway_throttle_limit_utilization
  gateway_tenant_hot gateway_tenant_auto_throttled
  gateway_fairness_queue_depth
  gateway_fairness_queue_wait_seconds_bucket gateway_fairness_queue_wait_seconds_sum gateway_fairness_queue_wait_seconds_count
  gateway_upstream_in_flight
  gateway_stream_ended_total gateway_request_buffer_size_bytes gateway_request_buffer_rejections_total
  gateway_redis_failures_total gateway_redis_circuit_open gateway_throttle_fallbacks_total
  gateway_config_reloads_total
  gateway_tenant_burst_factor gateway_audit_dropped_total
)
is_allowed() { local n; for n in "${ALLOWED[@]}"; do [[ "$1" == "$n" ]] && return 0; done; return 1; }

bad=0
for f in "$RULES" "$DASHBOARD"; do
  # gateway_* names not part of a recording-rule name (level:metric:operation)
  while IFS= read -r name; do
    [[ -z "$name" ]] && continue
    if ! is_allowed "$name"; then echo "  unknown series '$name' in ${f#"$DEPLOY_DIR"/}" >&2; bad=1; fi
  done < <(grep -oE '(^|[^:A-Za-z0-9_])gateway_[a-z0-9_]+' "$f" | sed -E 's/^[^g]//' | sort -u)
done
# the dashboard must work without the recording rules loaded
if grep -qE '[a-z_]+:gateway_[a-z0-9_]+:[a-z0-9_]+' "$DASHBOARD"; then
  echo "  dashboard uses recording rules; use raw series" >&2; bad=1
fi
# recording rules used by the alert expressions must be defined in the rule file
while IFS= read -r rec; do
  grep -qE "^[[:space:]]*- record: ${rec}[[:space:]]*$" "$RULES" \
    || { echo "  recording rule '$rec' used but not defined" >&2; bad=1; }
done < <(grep -oE '[a-z_]+:gateway_[a-z0-9_]+:[a-z0-9_]+' "$RULES" | sort -u)
[[ "$bad" -eq 0 ]] || fail "series name check"
echo "  SUCCESS"

echo
echo "check-alerts: all checks passed"
