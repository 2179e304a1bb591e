// Self-test of the pure-JS parts of the k6 library (no k6 needed):
// Zipf sampler, perfect-cache arithmetic, JWT assembly, config resolution, summary helpers.
// usage: node --import ./k6-shim/register.mjs selftest.mjs

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { newRunId, queryText, resolveConfig, scenarioKey } from '../lib/config-core.js';
import { arrival, phaseAt, plannedIterations, vuBudget } from '../lib/load-shape.js';
import { validateScenarioFile } from '../lib/scenario-file.js';
import { buildClaims, createJwtSigner } from '../lib/jwt.js';
import { aggregateOf, renderTable } from '../lib/summary.js';
import { ThresholdSet, sel } from '../lib/thresholds.js';
import { createRng, hashString, idealHitRate, samplerFor, zipfProbabilities } from '../lib/zipf.js';

const SCENARIO_FILE = new URL('../../scenarios.json', import.meta.url);
const raw = JSON.parse(readFileSync(SCENARIO_FILE, 'utf8'));
const clone = () => JSON.parse(JSON.stringify(raw));

let passed = 0;
const failures = [];
function test(name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok    ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL  ${name}\n      ${String(e && e.message ? e.message : e).split('\n').join('\n      ')}`);
  }
}

// ---------- Zipf ----------

test('zipf: probabilities sum to 1 and decrease with rank', () => {
  const p = zipfProbabilities(200, 1.1);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  for (let i = 1; i < p.length; i++) assert.ok(p[i] < p[i - 1]);
});

test('zipf: top-query share is plausible for exponent 1.1 (N=200: ~21%)', () => {
  const top = zipfProbabilities(200, 1.1)[0];
  assert.ok(top > 0.2 && top < 0.23, `top share ${top}`);
  // Heavier exponent concentrates more traffic on the head; uniform-ish spreads it.
  assert.ok(zipfProbabilities(200, 1.5)[0] > top && zipfProbabilities(200, 0.5)[0] < top);
});

test('zipf: sampled frequencies match the distribution (200k draws)', () => {
  const n = 200;
  const draws = 200000;
  const sampler = samplerFor({ n, exponent: 1.1, tenant: 't01', vuId: 7, salt: 'selftest' });
  const counts = new Array(n + 1).fill(0);
  for (let i = 0; i < draws; i++) {
    const rank = sampler.next();
    assert.ok(Number.isInteger(rank) && rank >= 1 && rank <= n, `rank ${rank}`);
    counts[rank]++;
  }
  const p = zipfProbabilities(n, 1.1);
  const topShare = counts[1] / draws;
  assert.ok(Math.abs(topShare - p[0]) < 0.005, `top share sampled ${topShare} vs expected ${p[0]}`);
  // Chi-square over the ten most frequent ranks plus the tail bucket (10 d.o.f., p=0.001 critical 29.6).
  let chi = 0;
  let tailExpected = draws;
  let tailObserved = draws;
  for (let k = 1; k <= 10; k++) {
    const e = p[k - 1] * draws;
    chi += (counts[k] - e) ** 2 / e;
    tailExpected -= e;
    tailObserved -= counts[k];
  }
  chi += (tailObserved - tailExpected) ** 2 / tailExpected;
  assert.ok(chi < 29.6, `chi-square ${chi.toFixed(2)}`);
});

test('zipf: deterministic per VU, different across VUs and tenants', () => {
  const seq = (tenant, vuId) => {
    const s = samplerFor({ n: 200, exponent: 1.1, tenant, vuId, salt: 'cache' });
    return Array.from({ length: 50 }, () => s.next()).join(',');
  };
  assert.equal(seq('t01', 1), seq('t01', 1));
  assert.notEqual(seq('t01', 1), seq('t01', 2));
  assert.notEqual(seq('t01', 1), seq('t02', 1));
  assert.equal(hashString('abc'), 0x1a47e90b); // FNV-1a reference value
  const rng = createRng(1);
  for (let i = 0; i < 1000; i++) {
    const u = rng();
    assert.ok(u >= 0 && u < 1);
  }
});

test('ideal hit rate matches a simulated perfect cache', () => {
  const cfg = { distinctQueries: 200, exponent: 1.1, ratePerSecond: 10, warmupSeconds: 20, measureSeconds: 40 };
  const expected = idealHitRate(cfg);
  let hits = 0;
  let total = 0;
  for (let run = 0; run < 200; run++) {
    const sampler = samplerFor({ n: 200, exponent: 1.1, tenant: 'sim', vuId: run });
    const seen = new Set();
    for (let i = 0; i < 600; i++) {
      const rank = sampler.next();
      if (i >= 200) {
        total++;
        if (seen.has(rank)) hits++;
      }
      seen.add(rank);
    }
  }
  assert.ok(Math.abs(hits / total - expected) < 0.01, `simulated ${(hits / total).toFixed(4)} vs formula ${expected.toFixed(4)}`);
  assert.ok(idealHitRate({ ...cfg, ratePerSecond: 20 }) > expected, 'more traffic must mean more repeats');
});

// ---------- JWT ----------

const nodeSigner = createJwtSigner({
  b64UrlEncode: (text) => Buffer.from(text, 'utf8').toString('base64url'),
  hmacSha256B64Url: (key, message) => createHmac('sha256', Buffer.from(key, 'utf8')).update(message, 'utf8').digest('base64url'),
});
const decodePart = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

test('jwt: claims carry iss/aud/sub/tenant/iat/nbf/exp with skew backdating', () => {
  const claims = buildClaims({
    issuer: 'tenant-gateway-dev', audience: 'rag-platform', subject: 'loadtest-t01', tenantClaim: 'tenant_id', tenantId: 't01',
    lifetimeSeconds: 3600, nowSeconds: 1700000000.7, notBeforeSkewSeconds: 30,
  });
  assert.deepEqual(claims, {
    iss: 'tenant-gateway-dev', aud: 'rag-platform', sub: 'loadtest-t01', tenant_id: 't01',
    iat: 1699999970, nbf: 1699999970, exp: 1700003600,
  });
  const admin = buildClaims({ issuer: 'i', audience: 'a', subject: 'adm', scope: 'gateway:admin', lifetimeSeconds: 60, nowSeconds: 10 });
  assert.equal(admin.scope, 'gateway:admin');
  assert.ok(!('tenant_id' in admin), 'no tenant claim unless a tenant is given');
  const custom = buildClaims({ issuer: 'i', audience: 'a', subject: 's', tenantClaim: 'tid', tenantId: 'x', lifetimeSeconds: 1, nowSeconds: 0 });
  assert.equal(custom.tid, 'x');
});

test('jwt: header.payload.signature, base64url without padding, HS256 verifies independently', () => {
  const key = raw.jwt.signingKey;
  const claims = buildClaims({ issuer: 'tenant-gateway-dev', audience: 'rag-platform', subject: 'loadtest-é', tenantId: 't02', lifetimeSeconds: 3600, nowSeconds: 1700000000 });
  const token = nodeSigner.sign(claims, key);
  const parts = token.split('.');
  assert.equal(parts.length, 3);
  for (const part of parts) assert.match(part, /^[A-Za-z0-9_-]+$/, 'base64url alphabet, no "=" padding');
  assert.deepEqual(decodePart(parts[0]), { alg: 'HS256', typ: 'JWT' });
  assert.deepEqual(decodePart(parts[1]), claims, 'payload round-trips, including UTF-8');
  const expectedSig = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest('base64url');
  assert.equal(parts[2], expectedSig);
  assert.equal(Buffer.from(parts[2], 'base64url').length, 32, 'SHA-256 MAC is 32 bytes');
});

test('jwt: known-answer token (catches accidental changes to assembly order)', () => {
  const claims = buildClaims({ issuer: 'iss', audience: 'aud', subject: 'sub', tenantId: 't01', lifetimeSeconds: 60, nowSeconds: 1000 });
  const token = nodeSigner.sign(claims, 'k');
  assert.equal(token.split('.').slice(0, 2).join('.'),
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJpc3MiLCJhdWQiOiJhdWQiLCJzdWIiOiJzdWIiLCJ0ZW5hbnRfaWQiOiJ0MDEiLCJpYXQiOjEwMDAsIm5iZiI6MTAwMCwiZXhwIjoxMDYwfQ');
});

test('jwt: refuses missing crypto or an empty key', () => {
  assert.throws(() => createJwtSigner({}), /b64UrlEncode/);
  assert.throws(() => nodeSigner.sign({ a: 1 }, ''), /empty signing key/);
});

// ---------- scenario file + config resolution ----------

test('scenarios.json is valid', () => {
  assert.deepEqual(validateScenarioFile(raw), []);
});

test('validation catches dangling tenant references, self-throttling rates, unreachable targets', () => {
  const bad = clone();
  bad.scenarios.isolation.spikeTenant = 'nobody';
  bad.scenarios.invalidation.invalidateTenant = 'ghost';
  bad.tenants[2].rate = 600; // gold maxQps is 500
  bad.scenarios.cache.distinctQueries = 5000;
  delete bad.scenarios.sla;
  const errors = validateScenarioFile(bad).join('\n');
  assert.match(errors, /isolation\.spikeTenant: "nobody" is not in tenants/);
  assert.match(errors, /invalidation\.invalidateTenant: "ghost" is not in tenants/);
  assert.match(errors, /tenants\[2\]\.rate: steady rate 600/);
  assert.match(errors, /scenarios\.cache: tenant .* perfect cache/);
  assert.match(errors, /scenarios\.sla: is missing/);
  const weakSpike = clone();
  weakSpike.scenarios.isolation.spikeLimitQps = 10; // below t01's steady 20/s
  assert.match(validateScenarioFile(weakSpike).join('\n'), /spikeLimitQps: must exceed/);
});

test('resolveConfig applies TENANTS, RATE_SCALE, DURATION_SCALE and JWT/BASE_URL overrides', () => {
  const cfg = resolveConfig(raw, {
    TENANTS: 't01, t03', RATE_SCALE: '0.5', DURATION_SCALE: '0.5', BASE_URL: 'https://gw.example/', JWT_ISSUER: 'prod-iss',
    SPIKE_MULTIPLIER: '4', BASELINE_P95_T03: '42',
  }, 'isolation');
  assert.deepEqual(cfg.tenants.map((t) => [t.id, t.rate, t.timeoutMs]), [['t01', 10, 200], ['t03', 7.5, 500]]);
  assert.equal(cfg.scenario.durationSeconds, raw.scenarios.isolation.durationSeconds / 2);
  assert.equal(cfg.scenario.spikeMultiplier, 4);
  assert.equal(cfg.scenario.spikeLimitQps, raw.scenarios.isolation.spikeLimitQps, 'the spike is not rate-scaled');
  assert.equal(cfg.baseUrl, 'https://gw.example');
  assert.equal(cfg.jwt.issuer, 'prod-iss');
  assert.equal(cfg.jwt.signingKey, raw.jwt.signingKey);
  assert.deepEqual(cfg.baselineP95, { t03: 42 });
  assert.throws(() => resolveConfig(raw, { TENANTS: 't02,t03' }, 'isolation'), /spike tenant t01/);
  assert.throws(() => resolveConfig(raw, { TENANTS: 't01,t03' }, 'invalidation'), /invalidated tenant t02/);
  assert.throws(() => resolveConfig(raw, { TENANTS: 't01,nope' }, 'sla'), /unknown tenant/);
  assert.throws(() => resolveConfig(raw, { RATE_SCALE: '-1' }, 'sla'), /RATE_SCALE/);
});

test('arrival rates, VU budgets, phases, query text, names', () => {
  assert.deepEqual(arrival(20), { rate: 20, timeUnit: '1s' });
  assert.deepEqual(arrival(7.5), { rate: 75, timeUnit: '10s' });
  assert.deepEqual(arrival(0.25), { rate: 25, timeUnit: '100s' });
  assert.deepEqual(arrival(1 / 3), { rate: 333, timeUnit: '1000s' });
  const spike = vuBudget(500, 200);
  assert.ok(spike.preAllocatedVUs >= 250 && spike.maxVUs >= 2 * spike.preAllocatedVUs - 1);
  assert.deepEqual(vuBudget(0.5, 200), { preAllocatedVUs: 2, maxVUs: 7 });
  const phases = [['warmup', 0], ['baseline', 10], ['spike', 30], ['recovery', 60]];
  assert.deepEqual([0, 9.99, 10, 45, 60, 99].map((t) => phaseAt(t, phases)), ['warmup', 'warmup', 'baseline', 'spike', 'recovery', 'recovery']);
  assert.equal(queryText('run {runId} q{rank} / {rank}', 'r1', 7), 'run r1 q7 / 7');
  assert.equal(scenarioKey('steady', 'team.a'), 'steady_team_a');
  assert.match(newRunId(1700000000000, 0.5), /^[0-9a-z]+$/);
  assert.equal(plannedIterations({ a: { executor: 'constant-arrival-rate', rate: 75, timeUnit: '10s', duration: '60s' } }), 450);
});

// ---------- thresholds + summary helpers ----------

test('threshold set: real criteria vs report-only sub-metrics', () => {
  const th = new ThresholdSet();
  th.require(sel('rag_latency', { tenant: 't02', phase: 'spike' }), 'p(95)<200', 'why');
  th.reportTenant('t02');
  th.report(sel('rag_latency', { tenant: 't02', phase: 'spike' }), 'trend');
  const options = th.toOptions();
  assert.deepEqual(options['rag_latency{tenant:t02,phase:spike}'], ['p(95)<200', 'max>=0']);
  assert.deepEqual(options['rag_cache_hit{tenant:t02}'], ['rate>=0']);
  assert.equal(th.criteria().length, 1);
  assert.equal(aggregateOf('p(99.9)<300'), 'p(99.9)');
  assert.equal(aggregateOf('rate>=0.995'), 'rate');
  assert.equal(renderTable(['a', 'bb'], [['1', '2']]), 'a  bb\n-  --\n1  2');
});

console.log(`\nselftest: ${passed} passed, ${failures.length} failed`);
if (failures.length) process.exit(1);
