// Dry run of a k6 script under node, against the in-memory fake gateway, in virtual time.
// k6 is not installable here, so this is how the scripts get executed before a real run:
//   1. loads the script with k6 modules stubbed (k6-shim), exactly as k6 would import it;
//   2. validates `options` the way k6 would reject them (scenario names, executor fields, exec
//      functions, threshold metric names / tag filters / expressions);
//   3. replays every scenario's iterations on a virtual timeline (constant-arrival-rate spacing,
//      shared-iterations at startTime) and calls the exec functions;
//   4. evaluates thresholds with k6's semantics (tag-subset sub-metrics, interpolated
//      percentiles, empty sinks evaluated at the end) and calls handleSummary.
// It then compares the failed thresholds with what the gateway mode should break.
//
// usage: node --import ./k6-shim/register.mjs dryrun.mjs <script.js> [--mode good] [--quiet]
//        [--out DIR] [-e KEY=VALUE ...]

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFakeGateway, MODES } from './fake-gateway.mjs';
import { BUILTIN_METRICS, state } from './k6-shim/runtime.mjs';

/** Thresholds each broken mode must trip (selector prefixes), per script. */
const EXPECTED_FAILURES = {
  isolation: { 'noisy-neighbour': ['rag_throttled{tenant:t01,phase:spike}', 'rag_error{tenant:t02,phase:spike}'] },
  sla: { 'no-timeout': ['rag_within_sla{tier:platinum,phase:measure}', 'rag_latency{tier:platinum,phase:measure}'] },
  cache: { 'no-cache': ['rag_cache_hit{tenant:t01,phase:measure}'], 'shared-namespace': ['rag_tenant_mismatch'] },
  invalidation: { 'global-flush': ['inv_probe_other_hit'], 'no-authz': ['inv_cross_tenant_denied'] },
};

/** Computed (reported-only) verdicts the dry run holds the script to, by verdict key. */
const EXPECTED_VERDICTS = {
  isolation: { good: { pooledVictims: true }, 'noisy-neighbour': { pooledVictims: false } },
};

function parseArgs(argv) {
  const args = { script: null, mode: 'good', quiet: false, out: null, env: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--mode') args.mode = argv[++i];
    else if (a === '--quiet') args.quiet = true;
    else if (a === '--out') args.out = argv[++i];
    else if (a === '-e') {
      const [k, ...v] = argv[++i].split('=');
      args.env[k] = v.join('=');
    } else args.script = a;
  }
  if (!args.script || !MODES.includes(args.mode)) {
    throw new Error(`usage: dryrun.mjs <script.js> [--mode ${MODES.join('|')}] [--quiet] [--out DIR] [-e K=V]`);
  }
  return args;
}

// ---------- k6 option validation ----------

const DURATION = /^\d+(\.\d+)?(ms|s|m|h)$/;
const seconds = (d) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]];
};
const AGGREGATES = {
  trend: /^(avg|min|max|med|p\(\d+(\.\d+)?\))$/,
  rate: /^rate$/,
  counter: /^(count|rate)$/,
  gauge: /^(value|min|max)$/,
};
const EXPR = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

function parseSelector(selector) {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(?:\{(.*)\})?$/.exec(selector);
  if (!m) throw new Error(`bad threshold key "${selector}"`);
  const tags = {};
  if (m[2] !== undefined) {
    for (const part of m[2].split(',')) {
      const kv = part.split(':');
      if (kv.length < 2 || !kv[0].trim() || !kv.slice(1).join(':').trim()) throw new Error(`bad tag filter "${part}" in "${selector}"`);
      tags[kv[0].trim()] = kv.slice(1).join(':').trim().replace(/^["']|["']$/g, '');
    }
  }
  return { name: m[1], tags };
}

function validateOptions(mod) {
  const problems = [];
  const { options } = mod;
  if (!options || typeof options !== 'object') return ['no exported options'];
  const known = new Set(['scenarios', 'thresholds', 'summaryTrendStats', 'tags', 'userAgent', 'setupTimeout', 'teardownTimeout']);
  for (const k of Object.keys(options)) if (!known.has(k)) problems.push(`unexpected option ${k}`);
  for (const [name, sc] of Object.entries(options.scenarios || {})) {
    const p = (msg) => problems.push(`scenario ${name}: ${msg}`);
    if (!/^[0-9a-zA-Z_-]+$/.test(name)) p('name has characters k6 rejects');
    if (typeof mod[sc.exec] !== 'function') p(`exec "${sc.exec}" is not an exported function`);
    if (sc.startTime !== undefined && !DURATION.test(sc.startTime)) p(`bad startTime ${sc.startTime}`);
    if (sc.gracefulStop !== undefined && !DURATION.test(sc.gracefulStop)) p(`bad gracefulStop ${sc.gracefulStop}`);
    for (const [k, v] of Object.entries(sc.tags || {})) if (typeof v !== 'string') p(`tag ${k} is not a string`);
    for (const [k, v] of Object.entries(sc.env || {})) if (typeof v !== 'string') p(`env ${k} is not a string`);
    if (sc.executor === 'constant-arrival-rate') {
      if (!Number.isInteger(sc.rate) || sc.rate < 1) p(`rate ${sc.rate} must be an integer >= 1`);
      if (!DURATION.test(sc.timeUnit || '')) p(`bad timeUnit ${sc.timeUnit}`);
      if (!DURATION.test(sc.duration || '')) p(`bad duration ${sc.duration}`);
      if (!Number.isInteger(sc.preAllocatedVUs) || sc.preAllocatedVUs < 1) p('preAllocatedVUs must be an integer >= 1');
      if (!Number.isInteger(sc.maxVUs) || sc.maxVUs < sc.preAllocatedVUs) p('maxVUs must be an integer >= preAllocatedVUs');
    } else if (sc.executor === 'shared-iterations') {
      if (!Number.isInteger(sc.vus) || sc.vus < 1) p('vus must be an integer >= 1');
      if (!Number.isInteger(sc.iterations) || sc.iterations < sc.vus) p('iterations must be an integer >= vus');
      if (sc.maxDuration !== undefined && !DURATION.test(sc.maxDuration)) p(`bad maxDuration ${sc.maxDuration}`);
    } else p(`executor ${sc.executor} not handled by the dry run`);
  }
  for (const [selector, exprs] of Object.entries(options.thresholds || {})) {
    let parsed;
    try {
      parsed = parseSelector(selector);
    } catch (e) {
      problems.push(e.message);
      continue;
    }
    const metric = state.metrics.get(parsed.name);
    if (!metric) {
      problems.push(`threshold on unknown metric ${parsed.name}`);
      continue;
    }
    for (const expr of exprs) {
      const m = EXPR.exec(expr);
      if (!m) problems.push(`bad threshold expression "${expr}" on ${selector}`);
      else if (!AGGREGATES[metric.type].test(m[1])) problems.push(`aggregate ${m[1]} is not valid for ${metric.type} ${selector}`);
    }
  }
  return problems;
}

// ---------- virtual-time execution ----------

function schedule(options) {
  const events = [];
  let vuBase = 0;
  for (const [name, sc] of Object.entries(options.scenarios)) {
    const startMs = seconds(sc.startTime || '0s') * 1000;
    const base = { name, exec: sc.exec, executor: sc.executor, startMs, tags: sc.tags || {}, env: sc.env || {} };
    if (sc.executor === 'constant-arrival-rate') {
      const periodMs = (seconds(sc.timeUnit) * 1000) / sc.rate;
      const count = Math.floor((seconds(sc.duration) * 1000) / periodMs + 1e-9);
      for (let i = 0; i < count; i++) {
        events.push({ ...base, atMs: startMs + i * periodMs, iteration: i, vu: vuBase + (i % sc.preAllocatedVUs) + 1 });
      }
      vuBase += sc.maxVUs;
    } else {
      for (let i = 0; i < sc.iterations; i++) events.push({ ...base, atMs: startMs, iteration: i, vu: vuBase + 1 + (i % sc.vus) });
      vuBase += sc.vus;
    }
  }
  return events.sort((a, b) => a.atMs - b.atMs || a.name.localeCompare(b.name));
}

// ---------- k6 threshold semantics ----------

function percentile(sorted, pct) {
  if (sorted.length === 0) return 0;
  if (sorted.length === 1) return sorted[0];
  const i = pct * (sorted.length - 1);
  const lo = sorted[Math.floor(i)];
  const hi = sorted[Math.ceil(i)];
  return lo + (hi - lo) * (i - Math.floor(i));
}

function sinkValues(type, samples, durationS, trendStats) {
  if (type === 'trend') {
    const v = samples.map((s) => s.value).sort((a, b) => a - b);
    const out = {};
    for (const stat of [...trendStats, 'avg', 'min', 'max', 'med']) {
      const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
      if (m) out[stat] = percentile(v, Number(m[1]) / 100);
      else if (stat === 'avg') out.avg = v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
      else if (stat === 'min') out.min = v.length ? v[0] : 0;
      else if (stat === 'max') out.max = v.length ? v[v.length - 1] : 0;
      else if (stat === 'med') out.med = percentile(v, 0.5);
      else if (stat === 'count') out.count = v.length;
    }
    return out;
  }
  if (type === 'rate') {
    const passes = samples.filter((s) => s.value !== 0).length;
    return { rate: samples.length ? passes / samples.length : 0, passes, fails: samples.length - passes };
  }
  const count = samples.reduce((a, s) => a + s.value, 0);
  return { count, rate: durationS > 0 ? count / durationS : 0 };
}

function evaluate(values, expr, selector) {
  const [, agg, op, rhs] = EXPR.exec(expr);
  const lhs = values[agg];
  if (lhs === undefined) throw new Error(`aggregate ${agg} missing for ${selector} (add it to summaryTrendStats?)`);
  const r = Number(rhs);
  return { '<': lhs < r, '<=': lhs <= r, '>': lhs > r, '>=': lhs >= r, '==': lhs === r, '===': lhs === r, '!=': lhs !== r }[op];
}

function buildSummaryData(options, durationS, setupData) {
  const trendStats = options.summaryTrendStats || ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
  const metrics = {};
  for (const m of state.metrics.values()) {
    if (m.samples.length === 0) continue;
    metrics[m.name] = { type: m.type, contains: m.isTime ? 'time' : 'default', values: sinkValues(m.type, m.samples, durationS, trendStats) };
  }
  const failed = [];
  for (const [selector, exprs] of Object.entries(options.thresholds || {})) {
    const { name, tags } = parseSelector(selector);
    const metric = state.metrics.get(name);
    const samples = metric.samples.filter((s) => Object.entries(tags).every(([k, v]) => s.tags[k] === v));
    const entry = (metrics[selector] = metrics[selector] || {
      type: metric.type, contains: metric.isTime ? 'time' : 'default', values: sinkValues(metric.type, samples, durationS, trendStats),
    });
    entry.thresholds = {};
    for (const expr of exprs) {
      const ok = evaluate(entry.values, expr, selector);
      entry.thresholds[expr] = { ok };
      if (!ok) failed.push(`${selector} ${expr}`);
    }
  }
  return {
    data: { metrics, state: { testRunDurationMs: durationS * 1000, isStdOutTTY: false }, setup_data: setupData, options: {} },
    failed,
  };
}

// ---------- main ----------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const scriptPath = resolve(args.script);
  const scriptName = basename(scriptPath, '.js');
  const env = { PWD: process.cwd(), ...args.env };
  globalThis.__ENV = env;
  globalThis.__VU = 0;
  globalThis.__ITER = 0;
  const opened = [];
  globalThis.open = (path) => {
    if (!state.inInit) throw new Error('open() outside the init context');
    const file = path.startsWith('file://') ? new URL(path).pathname : path;
    opened.push(file);
    return readFileSync(file, 'utf8');
  };
  const realNow = Date.now;
  Date.now = () => state.epochMs + state.nowMs;

  const mod = await import(pathToFileURL(scriptPath).href);
  state.inInit = false;
  const problems = validateOptions(mod);
  if (problems.length) {
    console.error(`${scriptName}: invalid k6 options:\n  - ${problems.join('\n  - ')}`);
    process.exit(1);
  }
  const raw = JSON.parse(readFileSync(opened[0], 'utf8'));
  state.http = createFakeGateway({
    raw,
    mode: args.mode,
    signingKey: env.JWT_SIGNING_KEY || raw.jwt.signingKey,
    nowMs: () => state.epochMs + state.nowMs,
  });
  state.globalTags = mod.options.tags || {};

  state.scenario = null;
  const setupData = typeof mod.setup === 'function' ? mod.setup() : undefined;
  const events = schedule(mod.options);
  let lastMs = 0;
  for (const ev of events) {
    state.nowMs = ev.atMs;
    state.scenario = { name: ev.name, executor: ev.executor, startTimeMs: ev.startMs, tags: ev.tags, iterationInTest: ev.iteration };
    state.vu = { idInTest: ev.vu, iterationInInstance: ev.iteration };
    globalThis.__ENV = { ...env, ...ev.env };
    globalThis.__VU = ev.vu;
    mod[ev.exec](setupData);
    lastMs = Math.max(lastMs, ev.atMs);
  }
  state.scenario = null;
  globalThis.__ENV = env;
  const durationS = Math.max(1, Math.ceil(lastMs / 1000));
  const { data, failed } = buildSummaryData(mod.options, durationS, setupData);
  Date.now = realNow;
  const outputs = mod.handleSummary(data);

  const problemsOut = [];
  const jsonKey = Object.keys(outputs).find((k) => k.endsWith(`k6-${scriptName}-summary.json`));
  const textKey = Object.keys(outputs).find((k) => k.endsWith(`k6-${scriptName}-summary.txt`));
  if (!outputs.stdout || !jsonKey || !textKey) problemsOut.push(`handleSummary returned keys ${Object.keys(outputs).join(', ')}`);
  const report = jsonKey ? JSON.parse(outputs[jsonKey]) : {};
  if (report.passed !== (failed.length === 0)) problemsOut.push(`report.passed=${report.passed} but ${failed.length} thresholds failed`);
  const signingKey = env.JWT_SIGNING_KEY || raw.jwt.signingKey;
  for (const [k, v] of Object.entries(outputs)) {
    if (String(v).includes(signingKey) || /eyJ[A-Za-z0-9_-]+\.eyJ/.test(String(v))) problemsOut.push(`${k} leaks a token or the signing key`);
  }
  if (args.out) {
    mkdirSync(args.out, { recursive: true });
    for (const [k, v] of Object.entries(outputs)) if (k !== 'stdout') writeFileSync(`${args.out}/${basename(k)}`, v);
  }

  const requests = state.metrics.get('http_reqs').samples.length;
  const expected = args.mode === 'good' ? [] : (EXPECTED_FAILURES[scriptName] || {})[args.mode];
  if (!expected) problemsOut.push(`no expectation recorded for ${scriptName} in mode ${args.mode}`);
  else if (args.mode === 'good') {
    if (failed.length) problemsOut.push(`thresholds failed against a correct gateway:\n    ${failed.join('\n    ')}`);
  } else {
    if (failed.length === 0) problemsOut.push(`mode ${args.mode} broke a guarantee but every threshold passed`);
    for (const prefix of expected) {
      if (!failed.some((f) => f.startsWith(prefix))) problemsOut.push(`mode ${args.mode}: expected a failing threshold on ${prefix}`);
    }
  }
  for (const [key, wanted] of Object.entries((EXPECTED_VERDICTS[scriptName] || {})[args.mode] || {})) {
    const verdict = (report.verdicts || []).find((v) => v.key === key);
    if (!verdict) problemsOut.push(`verdict ${key} missing from the report`);
    else if (verdict.ok !== wanted) problemsOut.push(`verdict ${key} is ${verdict.ok ? 'ok' : 'FAIL'} (${verdict.detail}), expected ${wanted ? 'ok' : 'FAIL'}`);
  }
  if (!args.quiet) process.stdout.write(outputs.stdout);
  const verdict = problemsOut.length ? 'FAIL' : 'ok';
  console.log(`dry run ${scriptName} [${args.mode}] ${verdict}: ${requests} requests, ${Object.keys(mod.options.scenarios).length} scenarios, ` +
    `${failed.length} threshold(s) failed${failed.length && args.mode !== 'good' ? ` (${failed.slice(0, 3).join('; ')}${failed.length > 3 ? '; ...' : ''})` : ''}`);
  if (problemsOut.length) {
    console.error(`  - ${problemsOut.join('\n  - ')}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
