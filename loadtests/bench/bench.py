#!/usr/bin/env python3
"""The measuring half of run-wrk.sh (which builds, starts and stops everything; this only drives and measures).

    python3 bench.py run SPEC.json OUT_DIR     # check runs, ROUNDS interleaved rounds, check runs, summary
    python3 bench.py summary SPEC.json OUT_DIR # rewrite summary.md from OUT_DIR/runs.jsonl

SPEC.json (written by run-wrk.sh) names the endpoints, tokens and process ids; the arms are defined below.

Every recorded wrk run is bracketed by:
  - utime+stime of every process run-wrk.sh started (/proc/PID/stat, nginx masters with their workers), wrk's
    own CPU (wait4 rusage) and the machine's busy time (/proc/stat), so each arm gets CPU seconds per 10k
    requests for the server under test, redis-server, the backend and wrk, plus what other programs used;
  - server-side counters: the backend's request count (nginx stub_status, or the simulator's /stats) and, for
    gateway arms, the gateway's Prometheus counters (cache hits/misses, throttle rejections, limiter fallbacks,
    Redis failures). A broken arm (a "hit" that reaches the backend, a "429" arm that admits, a Redis arm whose
    limiter fell back to the local one) is flagged in the table and makes the script exit 1.
The unrecorded check runs before and after the rounds make wrk count statuses and X-Cache values per response
(BENCH_COUNT=1 in query.lua), which costs the generator CPU, so the recorded runs do not.
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

CLK = os.sysconf("SC_CLK_TCK")

# name -> (label, server, token, mode, expect, ratio base, backend)
#   server: key of SPEC["servers"] (url + pids + kind); backend: key of SPEC["backends"]
#   expect: proxy | miss | hit | nginx-hit | 429 | 401
ARMS = {
    "baseline": ("plain YARP 2.3 (baseline)", "yarp", "bench", "unique", "proxy", "baseline", "fast"),
    "miss": ("gateway, cache miss (Redis: limiter, lookup, store)", "gw-redis", "bench", "unique", "miss", "baseline", "fast"),
    "hit-redis": ("gateway, cache hit from Redis", "gw-redis", "bench", "fixed", "hit", "baseline", "fast"),
    "reject-429": ("gateway, 429 for a tenant over its limit (Redis limiter)", "gw-redis", "tiny", "fixed", "429", "baseline", "fast"),
    "reject-401": ("gateway, 401 (token signed with another key; Redis gateway)", "gw-redis", "bad", "fixed", "401", "baseline", "fast"),
    "hit-embedded": ("gateway, hit from the embedded store", "gw-embedded", "bench", "fixed", "hit", "baseline", "fast"),
    "nginx-cache": ("nginx proxy_cache hit (anchor)", "nginx-cache", "bench", "fixed", "nginx-hit", "baseline", "fast"),
    # Extra rows: the previous script's arms.
    "miss-embedded": ("extra: gateway, cache miss, embedded store", "gw-embedded", "bench", "unique", "miss", "baseline", "fast"),
    "reject-429-embedded": ("extra: gateway, 429, embedded (local) limiter", "gw-embedded", "tiny", "fixed", "429", "baseline", "fast"),
    "baseline-sim1ms": ("extra: plain YARP, 1 ms simulated backend (old baseline)", "yarp-sim", "bench", "unique", "proxy", "baseline-sim1ms", "sim"),
    "miss-embedded-sim1ms": ("extra: gateway, miss, embedded store, 1 ms simulated backend (old miss arm)", "gw-sim", "bench", "unique", "miss", "baseline-sim1ms", "sim"),
}

# With BASE_REV, run-wrk.sh also starts the gateway built from that revision (its own redis-server) and every
# gateway arm gets a "base-" twin, run right after it in each round: the before/after comparison of one run.
BASE_SERVERS = {"gw-redis": "gw-redis-base", "gw-embedded": "gw-embedded-base"}
for _name, (_label, _server, *_rest) in list(ARMS.items()):
    if _server in BASE_SERVERS:
        ARMS["base-" + _name] = (f"{_label} [base]", BASE_SERVERS[_server], *_rest)

_children = []  # running wrk / perf processes, killed on SIGTERM


def _on_term(signum, _frame):
    for p in list(_children):
        try:
            p.kill()
            p.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired, ChildProcessError):
            pass
    sys.exit(128 + signum)


# ---------------------------------------------------------------------------------------------- measurements

def proc_ticks(pid):
    """utime+stime of one process (all its threads), in clock ticks; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def child_pids(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return out


def group_pids(group):
    pids = list(group["pids"])
    if group.get("with_children"):
        for pid in group["pids"]:
            pids += child_pids(pid)
    return pids


def machine_busy():
    """Busy seconds over all CPUs (user+nice+system+irq+softirq+steal) and the total, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    total = sum(v[:8])
    idle = v[3] + v[4]
    return (total - idle) / CLK, total / CLK


def snapshot_cpu(groups, pid_sets):
    return {name: sum(proc_ticks(p) for p in pid_sets[name]) / CLK for name in groups}


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


PROM_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')


def gateway_counters(url):
    """The gateway counters the checks need, summed over tenants."""
    want = {
        "gateway_cache_requests_total": "result",
        "gateway_throttle_rejections_total": None,
        "gateway_throttle_fallbacks_total": None,
        "gateway_redis_failures_total": None,
    }
    out = {}
    for line in http_get(url + "/metrics").splitlines():
        m = PROM_LINE.match(line)
        if not m or m.group(1) not in want:
            continue
        name, labels, value = m.group(1), m.group(2) or "", float(m.group(3))
        key = name
        if want[name]:
            lm = re.search(want[name] + r'="([^"]*)"', labels)
            key = f"{name}:{lm.group(1) if lm else ''}"
        out[key] = out.get(key, 0) + value
    return {
        "cache_hit": out.get("gateway_cache_requests_total:hit", 0),
        "cache_miss": out.get("gateway_cache_requests_total:miss", 0),
        "cache_bypass": out.get("gateway_cache_requests_total:bypass", 0),
        "rejections": out.get("gateway_throttle_rejections_total", 0),
        "fallbacks": out.get("gateway_throttle_fallbacks_total", 0),
        "redis_failures": out.get("gateway_redis_failures_total", 0),
    }


def backend_count(backend):
    """Requests the backend has answered so far (its own status request included, which is 1 per read)."""
    if backend["kind"] == "nginx":
        text = http_get(backend["stats_url"])
        return int(text.splitlines()[2].split()[2])
    return int(json.loads(http_get(backend["stats_url"]))["served"])


def run_wrk(spec, arm, duration, count):
    _, server, token, mode, *_ = ARMS[arm]
    env = dict(os.environ)
    env.update(BENCH_TOKEN=spec["tokens"][token], BENCH_MODE=mode, BENCH_COUNT="1" if count else "0",
               BENCH_NONCE=spec["nonce"] if mode == "fixed" else f"{spec['nonce']}-{arm}-{time.time_ns()}")
    cmd = ["wrk", f"-t{spec['threads']}", f"-c{spec['connections']}", f"-d{duration}s", "--timeout", "5s",
           "-s", spec["lua"], spec["servers"][server]["url"]]
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _children.append(p)
    guard = threading.Timer(duration + 30, p.kill)  # wrk stops itself after -d; this is only a backstop
    guard.start()
    try:
        output = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        guard.cancel()
        _children.remove(p)
    result = next((l.split()[1:] for l in output.splitlines() if l.startswith("RESULT ")), None)
    if p.returncode != 0 or result is None:
        raise SystemExit(f"bench: wrk failed on arm {arm} (exit {p.returncode}):\n{output}")
    rps, p50, p99, requests, non2xx, socket_errors = result
    run = {"arm": arm, "rps": float(rps), "p50_us": int(p50), "p99_us": int(p99), "requests": int(requests),
           "non2xx": int(non2xx), "socket_errors": int(socket_errors), "wrk_cpu": usage.ru_utime + usage.ru_stime}
    counts = next((l for l in output.splitlines() if l.startswith("COUNTS ")), None)
    if counts:
        for part in counts.split()[1:]:
            key, _, value = part.partition("=")
            run[key] = {k: int(n) for k, _, n in (kv.rpartition(":") for kv in value.split(",") if kv)}
    return run


# ------------------------------------------------------------------------------------------------- checks

def check_counted(arm, run):
    """Checks a counted (BENCH_COUNT=1) run; returns a list of problems."""
    expect = ARMS[arm][4]
    n = max(run["requests"], 1)
    st, cache = run.get("status", {}), run.get("cache", {})
    problems = []
    if run["socket_errors"]:
        problems.append(f"{run['socket_errors']} socket errors")
    if expect in ("proxy", "miss", "hit", "nginx-hit") and set(st) != {"200"}:
        problems.append(f"statuses {st}, expected only 200")
    if expect == "miss" and cache.get("MISS", 0) < 0.99 * n:
        problems.append(f"X-Cache {cache}, expected MISS")
    if expect in ("hit", "nginx-hit") and cache.get("HIT", 0) < 0.99 * n:
        problems.append(f"X-Cache {cache}, expected HIT")
    if expect == "429" and st.get("429", 0) < 0.99 * n:
        problems.append(f"statuses {st}, expected 429")
    if expect == "401" and st.get("401", 0) != n:
        problems.append(f"statuses {st}, expected 401")
    return problems


def check_recorded(spec, arm, run):
    """Checks a recorded run with wrk's non-2xx count and the server-side counter deltas."""
    _, server, _, _, expect, _, _ = ARMS[arm]
    n = run["requests"]
    slack = spec["connections"] + 5  # requests in flight when wrk stopped are counted by the servers, not by wrk
    back = run["backend_requests"]
    gw = run.get("gateway", {})
    redis = spec["servers"][server].get("redis", False)
    p = []
    if run["socket_errors"]:
        p.append(f"{run['socket_errors']} socket errors")
    if expect in ("proxy", "miss", "hit", "nginx-hit") and run["non2xx"]:
        p.append(f"{run['non2xx']} non-2xx")
    if expect in ("proxy", "miss") and back < 0.99 * n:
        p.append(f"backend saw {back} of {n} requests")
    if expect in ("hit", "nginx-hit", "401") and back > max(5, 0.001 * n):
        p.append(f"backend saw {back} requests (expected none)")
    if expect == "429" and back > 2 * spec["duration"] + 5:
        p.append(f"backend saw {back} requests (the tenant is limited to 1 req/s)")
    if expect == "miss" and gw.get("cache_miss", 0) < 0.99 * n:
        p.append(f"gateway counted {gw.get('cache_miss', 0):.0f} misses of {n}")
    if expect == "hit" and gw.get("cache_hit", 0) < 0.99 * n:
        p.append(f"gateway counted {gw.get('cache_hit', 0):.0f} hits of {n}")
    if expect == "429" and (run["non2xx"] < 0.99 * n or gw.get("rejections", 0) < 0.99 * n):
        p.append(f"{run['non2xx']} non-2xx and {gw.get('rejections', 0):.0f} rejections of {n}")
    if expect == "401" and run["non2xx"] != n:
        p.append(f"{run['non2xx']} non-2xx of {n}")
    if redis and (gw.get("fallbacks", 0) or gw.get("redis_failures", 0)):
        p.append(f"Redis not used for every request: {gw.get('fallbacks', 0):.0f} limiter fallbacks, "
                 f"{gw.get('redis_failures', 0):.0f} Redis failures")
    if expect in ("miss", "hit") and gw.get("cache_bypass", 0):
        p.append(f"{gw['cache_bypass']:.0f} cache bypasses")
    return p


# ---------------------------------------------------------------------------------------------------- run

def measure(spec, arm, duration):
    _, server, _, _, _, _, backend_key = ARMS[arm]
    groups = spec["groups"]
    backend = spec["backends"][backend_key]
    metrics_url = spec["servers"][server]["url"] if spec["servers"][server]["kind"] == "gateway" else None

    gw0 = gateway_counters(metrics_url) if metrics_url else {}
    b0 = backend_count(backend)
    pid_sets = {name: group_pids(g) for name, g in groups.items()}
    cpu0, (busy0, total0), t0 = snapshot_cpu(groups, pid_sets), machine_busy(), time.monotonic()
    run = run_wrk(spec, arm, duration, count=False)
    cpu1, (busy1, total1), t1 = snapshot_cpu(groups, pid_sets), machine_busy(), time.monotonic()
    time.sleep(0.4)  # let the last in-flight requests finish and the exporter's scrape cache expire
    b1 = backend_count(backend)
    gw1 = gateway_counters(metrics_url) if metrics_url else {}

    run["wall"] = t1 - t0
    run["cpu"] = {name: cpu1[name] - cpu0[name] for name in groups}
    run["cpu"]["wrk"] = run["wrk_cpu"]
    run["machine_busy"] = busy1 - busy0
    run["machine_total"] = total1 - total0
    run["server_group"] = server
    run["backend_group"] = backend_key
    run["backend_requests"] = b1 - b0 - 1  # minus the stats request itself
    run["gateway"] = {k: gw1[k] - gw0.get(k, 0) for k in gw1}
    run["problems"] = check_recorded(spec, arm, run)
    return run


def check_pass(spec, arms, duration, title, log):
    print(f"== {title}: {duration}s per arm, wrk counting statuses and X-Cache (not recorded)", flush=True)
    failed = False
    for arm in arms:
        server = spec["servers"][ARMS[arm][1]]
        redis = server.get("redis", False)
        gw0 = gateway_counters(server["url"]) if redis else {}
        run = run_wrk(spec, arm, duration, count=True)
        problems = check_counted(arm, run)
        if redis:
            time.sleep(0.4)
            gw1 = gateway_counters(server["url"])
            fallbacks = gw1["fallbacks"] - gw0["fallbacks"]
            failures = gw1["redis_failures"] - gw0["redis_failures"]
            run["gateway"] = {"fallbacks": fallbacks, "redis_failures": failures}
            if fallbacks + failures > 0.01 * max(run["requests"], 1):
                problems.append(f"Redis not used: {fallbacks:.0f} limiter fallbacks, {failures:.0f} Redis failures")
        failed |= bool(problems)
        line = (f"  {arm:<22} {run['rps']:>9.0f} req/s  status {run.get('status')}  cache {run.get('cache')}"
                + (f"  PROBLEM: {'; '.join(problems)}" if problems else "  ok"))
        print(line, flush=True)
        log.write(json.dumps({"check": title, **run, "problems": problems}) + "\n")
    return failed


def cmd_run(spec, out):
    signal.signal(signal.SIGTERM, _on_term)
    arms = spec["arms"]
    unknown = [a for a in arms if a not in ARMS]
    if unknown:
        raise SystemExit(f"bench: unknown arm(s) {unknown}; known: {list(ARMS)}")
    print(f"== warm-up: {spec['warmup']}s per arm (JIT, connection pools, Lua script cache; not recorded)", flush=True)
    for arm in arms:
        run = run_wrk(spec, arm, spec["warmup"], count=False)
        print(f"  {arm:<22} {run['rps']:>9.0f} req/s", flush=True)
    with open(os.path.join(out, "checks.jsonl"), "w") as checks:
        if check_pass(spec, arms, spec["check_seconds"], "check", checks):
            raise SystemExit("bench: an arm is not what it claims to be (see above); nothing was measured")
        print(f"== {spec['rounds']} rounds x {len(arms)} arms, {spec['duration']}s each, "
              f"wrk -t{spec['threads']} -c{spec['connections']}", flush=True)
        with open(os.path.join(out, "runs.jsonl"), "w") as runs:
            for rnd in range(1, spec["rounds"] + 1):
                for arm in arms:
                    run = measure(spec, arm, spec["duration"])
                    run["round"] = rnd
                    runs.write(json.dumps(run) + "\n")
                    runs.flush()
                    per10k = lambda s: s / max(run["requests"], 1) * 1e4
                    print(f"  round {rnd} {arm:<22} {run['rps']:>9.0f} req/s  p50 {run['p50_us'] / 1000:6.2f} ms"
                          f"  p99 {run['p99_us'] / 1000:6.2f} ms  CPU s/10k: server {per10k(run['cpu'][run['server_group']]):.2f}"
                          f" redis {per10k(run['cpu'][redis_group(spec, arm)]):.2f} wrk {per10k(run['cpu']['wrk']):.2f}"
                          + (f"  PROBLEM: {'; '.join(run['problems'])}" if run["problems"] else ""), flush=True)
        failed_after = check_pass(spec, arms, spec["check_seconds"], "final check", checks)
    if spec.get("profile_seconds"):
        profile(spec, out)
    ok = cmd_summary(spec, out) and not failed_after
    return 0 if ok else 1


def context_switches(pid):
    """Voluntary + involuntary context switches of all of a process's threads so far."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            for line in open(f"/proc/{pid}/task/{tid}/status"):
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[-1])
        except OSError:
            pass
    return total


KERNEL_SCHED = re.compile(r"finish_task_switch|raw_spin_unlock_irq|schedule|sched_|wake|ttwu|enqueue|dequeue|"
                          r"pick_next|update_curr|select_task|futex|queued_spin_lock|switch_|idle")
KERNEL_NET = re.compile(r"tcp|^ip_|^__ip|skb|^sk_|sock|inet|^net|netif|dev_queue|dev_hard|loopback|process_backlog|"
                        r"copy_from_iter|copy_to_iter|__check_object_size|validate_xmit|nf_|^__sys_send|^__sys_recv|"
                        r"sendto|recvfrom|ep_poll|epoll")
MANAGED_ASM = re.compile(r"\[([^\]]+)\] [^ \[]+::")


def summarize_perf(report, arm, run, ctx_per_request):
    """Self time of the perf samples grouped into a few buckets the hot-path work can act on."""
    buckets, managed = {}, {}
    for line in report.splitlines():
        m = re.match(r"\s+([\d.]+)%\s+(.+?)\s+\[([k.])\]\s+(.*)$", line)
        if not m:
            continue
        pct, dso, kind, sym = float(m.group(1)), m.group(2).strip(), m.group(3), m.group(4).strip()
        if kind == "k":
            key = ("kernel: scheduling, wake-ups, context switches" if KERNEL_SCHED.search(sym)
                   else "kernel: TCP/IP, sockets, epoll" if KERNEL_NET.search(sym) else "kernel: other")
        elif dso.startswith("[JIT]") or dso.startswith("memfd:doublemapper"):
            am = MANAGED_ASM.search(sym)
            key = f"managed: {am.group(1)}" if am else "managed: runtime stubs and unnamed JIT code"
            managed[sym] = managed.get(sym, 0) + pct
        else:
            key = f"native: {dso}"
        buckets[key] = buckets.get(key, 0) + pct
    lines = [f"perf self time of the server under test while serving {arm} at {run['rps']:.0f} req/s; "
             f"{ctx_per_request:.1f} context switches of its threads per request", "", "share  bucket"]
    lines += [f"{pct:5.1f}%  {key}" for key, pct in sorted(buckets.items(), key=lambda kv: -kv[1]) if pct >= 0.3]
    lines += ["", "top managed methods (self):"]
    lines += [f"{pct:5.2f}%  {sym[:200]}" for sym, pct in sorted(managed.items(), key=lambda kv: -kv[1])[:25]]
    return "\n".join(lines) + "\n"


def profile(spec, out):
    """For each arm of PROFILE_ARMS (default hit-redis), while wrk drives it: perf record -g of its server (JIT
    frames resolved through the perf map run-wrk.sh enables), then, when dotnet-counters is installed and the server
    is .NET, its System.Runtime counters. Files are named after the arm: perf-<arm>-summary.txt, ..."""
    for arm in spec.get("profile_arms") or ["hit-redis"]:
        profile_arm(spec, out, arm)


def profile_arm(spec, out, arm):
    seconds = spec["profile_seconds"]
    server = spec["servers"][ARMS[arm][1]]
    pid = server["pids"][0]
    data = os.path.join(out, f"perf-{arm}.data")
    print(f"== profile: perf record -g of {ARMS[arm][1]} (pid {pid}) during {seconds}s of {arm}", flush=True)
    with open(os.path.join(out, f"perf-{arm}-record.log"), "w") as log:
        perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(pid), "-o", data, "--", "sleep", str(seconds + 1)],
                                stdout=subprocess.DEVNULL, stderr=log)
        _children.append(perf)
        time.sleep(0.5)
        ctx0 = context_switches(pid)
        run = run_wrk(spec, arm, seconds, count=False)
        ctx = (context_switches(pid) - ctx0) / max(run["requests"], 1)
        perf.wait(timeout=seconds + 60)
        _children.remove(perf)
    print(f"  {arm} under perf: {run['rps']:.0f} req/s", flush=True)
    reports = ((f"perf-{arm}-by-dso.txt", ["--no-children", "--sort", "dso"], "0.3"),
               (f"perf-{arm}-by-symbol.txt", ["--no-children", "--sort", "dso,sym"], "0.2"),
               (f"perf-{arm}-inclusive.txt", ["--children", "--sort", "sym"], "1"))
    for name, args, limit in reports:
        with open(os.path.join(out, name), "w") as f:
            subprocess.run(["perf", "report", "-i", data, *args, "--stdio", "-g", "none", "--percent-limit", limit],
                           stdout=f, stderr=subprocess.DEVNULL, timeout=300)
    raw = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "dso,sym", "--stdio", "-g", "none",
                          "--percent-limit", "0"], capture_output=True, text=True, timeout=300).stdout
    with open(os.path.join(out, f"perf-{arm}-summary.txt"), "w") as f:
        f.write(summarize_perf(raw, arm, run, ctx))
    print(f"  wrote perf-{arm}-summary.txt, {', '.join(r[0] for r in reports)}", flush=True)

    counters = spec.get("dotnet_counters")
    if server["kind"] not in ("gateway", "yarp"):
        return
    if not counters:
        print("  (dotnet-counters is not installed: no runtime counters; dotnet tool install -g dotnet-counters)", flush=True)
        return
    csv_path = os.path.join(out, f"counters-{arm}.csv")
    print(f"== profile: dotnet-counters System.Runtime of {ARMS[arm][1]} during {seconds}s of {arm}", flush=True)
    dc = subprocess.Popen([counters, "collect", "-p", str(pid), "--counters", "System.Runtime", "--format", "csv",
                           "-o", csv_path, "--duration", time.strftime("00:%H:%M:%S", time.gmtime(seconds + 1))],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _children.append(dc)
    time.sleep(1.5)
    run = run_wrk(spec, arm, seconds, count=False)
    try:
        dc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        dc.terminate()
        dc.wait(timeout=10)
    _children.remove(dc)
    per_name = {}
    if os.path.exists(csv_path):
        import csv
        for row in csv.DictReader(open(csv_path)):
            try:
                value = float(row.get("Mean/Increment") or "nan")
            except ValueError:
                continue
            per_name.setdefault(row.get("Counter Name", "?"), []).append(value)
    with open(os.path.join(out, f"counters-{arm}.txt"), "w") as f:
        f.write(f"{arm} at {run['rps']:.0f} req/s; mean of each System.Runtime counter over {seconds}s "
                f"(per-interval values for rates)\n")
        for name, values in sorted(per_name.items()):
            f.write(f"{statistics.mean(values):>16.2f}  {name}\n")
    print(f"  {arm} under dotnet-counters: {run['rps']:.0f} req/s; wrote counters-{arm}.txt", flush=True)


# ------------------------------------------------------------------------------------------------ summary

def redis_group(spec, arm):
    """The CPU group of the redis-server an arm's server uses ("redis" when it uses none, which reads ~0)."""
    return spec["servers"][ARMS[arm][1]].get("redis_group") or "redis"


def cmd_summary(spec, out):
    runs = [json.loads(l) for l in open(os.path.join(out, "runs.jsonl"))]
    arms = [a for a in spec["arms"] if any(r["arm"] == a for r in runs)]
    med = lambda xs: statistics.median(xs) if xs else float("nan")
    by = {a: [r for r in runs if r["arm"] == a] for a in arms}
    rps = {a: med([r["rps"] for r in by[a]]) for a in arms}
    per10k = lambda r, s: s / max(r["requests"], 1) * 1e4

    def cpu(a, group):
        group = {"server": None, "redis": redis_group(spec, a)}.get(group, group)
        return med([per10k(r, r["cpu"][group or r["server_group"]]) for r in by[a]])

    def other(r):
        tracked = sum(v for k, v in r["cpu"].items())
        return max(r["machine_busy"] - tracked, 0.0)

    lines = []
    w = lines.append
    w(f"# wrk: gateway vs plain YARP, Redis configured, fast backend ({spec['date']})")
    w("")
    w(f"- **Commit** `{spec['commit']}`. **Machine** {spec['machine']}. Load average before the run: {' '.join(spec['loadavg'])}.")
    if spec.get("base_commit"):
        w(f"- **Base** rows marked [base] are the gateway built from `{spec['base_commit']}` (BASE_REV), with its own "
          "redis-server, run right after the same arm of this commit in every round.")
    w(f"- **Load** wrk -t{spec['threads']} -c{spec['connections']}, {spec['duration']} s per arm, {spec['rounds']} round(s), "
      f"arms interleaved round-robin; each cell is the median over the rounds (req/s min..max shows the spread).")
    w(f"- **Backend** {spec['backend_note']}")
    w(f"- **Servers** published Release builds run with `dotnet <dll>`, environment {spec['dotnet_env']} for the "
      f"gateway and the baseline alike. Redis: {spec['redis_note']}")
    w("- **CPU** columns are CPU seconds (user+system, all threads) per 10,000 requests answered, read from "
      "/proc before and after each run. *server* is the process under test (gateway, YARP, or the nginx caching "
      "proxy's workers). *wrk busy* is wrk's CPU over its threads' wall time: near 100% would mean the generator "
      "was the bottleneck.")
    w("")
    w("| path | req/s | min..max | p50 ms | p99 ms | vs plain YARP | server CPU s/10k | Redis CPU s/10k | wrk CPU s/10k | wrk busy | check |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    failed = False
    for a in arms:
        label, server, _, _, _, base, _ = ARMS[a]
        rs = [r["rps"] for r in by[a]]
        ratio = f"{rps[a] / rps[base]:.2f}x" if base in rps and rps[base] else "-"
        if base != "baseline" and ratio != "-":
            ratio += f" (vs {base})"
        busy = med([r["cpu"]["wrk"] / (r["wall"] * spec["threads"]) * 100 for r in by[a]])
        problems = sorted({p for r in by[a] for p in r["problems"]})
        failed |= bool(problems)
        w(f"| {label} | {rps[a]:,.0f} | {min(rs):,.0f}..{max(rs):,.0f} | {med([r['p50_us'] for r in by[a]]) / 1000:.2f} | "
          f"{med([r['p99_us'] for r in by[a]]) / 1000:.2f} | {ratio} | {cpu(a, 'server'):.2f} | {cpu(a, 'redis'):.2f} | "
          f"{cpu(a, 'wrk'):.2f} | {busy:.0f}% | {'ok' if not problems else 'FAILED: ' + '; '.join(problems)} |")
    w("")
    w("Details (medians over the rounds; CPU in seconds per 10k requests):")
    w("")
    w("| arm | backend CPU | other programs' CPU | machine idle | requests | backend saw | gateway hits / misses / rejections | limiter fallbacks / Redis failures |")
    w("|---|---|---|---|---|---|---|---|")
    for a in arms:
        rs = by[a]
        gwc = lambda k: sum(r.get("gateway", {}).get(k, 0) for r in rs)
        idle = med([max(0.0, 1 - r["machine_busy"] / r["machine_total"]) * 100 for r in rs])
        gw_cell = (f"{gwc('cache_hit'):,.0f} / {gwc('cache_miss'):,.0f} / {gwc('rejections'):,.0f}"
                   if spec["servers"][ARMS[a][1]]["kind"] == "gateway" else "-")
        fb_cell = (f"{gwc('fallbacks'):,.0f} / {gwc('redis_failures'):,.0f}" if spec["servers"][ARMS[a][1]].get("redis") else "-")
        w(f"| {a} | {med([per10k(r, r['cpu'][r['backend_group'] + '-backend']) for r in rs]):.2f} | "
          f"{med([per10k(r, other(r)) for r in rs]):.2f} | {idle:.0f}% | {sum(r['requests'] for r in rs):,} | "
          f"{sum(r['backend_requests'] for r in rs):,} | {gw_cell} | {fb_cell} |")
    w("")
    w("*other programs' CPU* is the machine's busy time minus every process the script started and wrk: on a quiet "
      "machine it is near zero; a large value means the run was disturbed.")
    profiled = [a for a in (spec.get("profile_arms") or []) if os.path.exists(os.path.join(out, f"perf-{a}-by-dso.txt"))]
    if profiled:
        w("")
        w(f"perf profiles of {', '.join(profiled)} are in `perf-<arm>-summary.txt`, `perf-<arm>-by-dso.txt`, "
          "`perf-<arm>-by-symbol.txt` and `perf-<arm>-inclusive.txt` (and, with dotnet-counters installed, "
          "`counters-<arm>.txt`) next to this file.")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(text)
    print()
    print(text)
    if failed:
        print("bench: at least one arm FAILED its checks (see the check column)", file=sys.stderr)
    return not failed


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("run", "summary"):
        raise SystemExit(__doc__)
    spec = json.load(open(sys.argv[2]))
    if sys.argv[1] == "run":
        return cmd_run(spec, sys.argv[3])
    return 0 if cmd_summary(spec, sys.argv[3]) else 1


if __name__ == "__main__":
    sys.exit(main())
