// SPEC §8 "Tenant-scoped invalidation affects only that tenant" (and §4: immediate, O(1)).
// Every tenant sends steady Zipf traffic. At invalidateAtSeconds one admin VU:
//   1. warms probe queries for every tenant (sent twice; the second must be a HIT),
//   2. checks GET /admin/cache/metrics/{tenant} answers the documented fields,
//   3. tries to invalidate the target with ANOTHER tenant's token (must be denied, cache intact),
//   4. invalidates the target with the admin token (200, tenant_id/deleted_keys/message),
//   5. re-sends the probes at once: the target's must MISS, every other tenant's must still HIT.
// Afterwards the other tenants' steady hit rate must stay above minHitRate.
// Probe queries are never sent by the steady traffic, so nothing re-warms them in between.
//
//   k6 run -e BASE_URL=https://gateway.example loadtests/k6/invalidation.js

import { sleep } from 'k6';
import { Rate } from 'k6/metrics';
import { adminToken, tenantToken } from './lib/auth.js';
import { queryText, startRun, tenantOf } from './lib/config-core.js';
import { loadConfig } from './lib/config.js';
import { arrivalScenario, phaseAt } from './lib/load-shape.js';
import { cacheMetrics, currentTenant, elapsedSeconds, invalidateCache, nextQuery, sendQuery } from './lib/rag.js';
import { buildReport, summaryOutputs } from './lib/summary.js';
import { METRIC, scriptOptions, sel, ThresholdSet } from './lib/thresholds.js';

/** @import { Scenario } from 'k6/options' */
/** @import { SetupData, SummaryData, SummaryMetric, Tenant } from './lib/types.js' */

const cfg = loadConfig('invalidation');
const sc = cfg.scenario;
const target = tenantOf(cfg, sc.invalidateTenant);
const others = cfg.tenants.filter((t) => t.id !== target.id);
/** @type {Array<[string, number]>} */
const PHASES = [['pre', 0], ['post', sc.invalidateAtSeconds]];

const probeWarm = new Rate('inv_probe_warm');
const adminMetricsOk = new Rate('inv_admin_metrics_ok');
const crossTenantDenied = new Rate('inv_cross_tenant_denied');
const adminInvalidateOk = new Rate('inv_admin_ok');
const targetProbeMiss = new Rate('inv_probe_miss');
const otherProbeHit = new Rate('inv_probe_other_hit');

/** @type {Record<string, Scenario>} */
const scenarios = {};
for (const t of cfg.tenants) {
  scenarios[`steady_${t.key}`] = arrivalScenario({
    exec: 'tenant', tenant: t, role: t.id === target.id ? 'invalidated' : 'tenant', ratePerSecond: t.rate,
    durationSeconds: sc.durationSeconds,
  });
}
scenarios.admin_invalidate = {
  executor: 'shared-iterations',
  exec: 'invalidate',
  vus: 1,
  iterations: 1,
  startTime: `${sc.invalidateAtSeconds}s`,
  maxDuration: `${Math.max(30, sc.durationSeconds - sc.invalidateAtSeconds)}s`,
  tags: { role: 'admin' },
};

const th = new ThresholdSet();
th.require('inv_probe_warm', 'rate==1', 'precondition: probe answers were cached before the invalidation');
th.require('inv_admin_metrics_ok', 'rate==1', '§7 admin API: cache metrics answer tenant_id, hits, misses, hit_rate, size_bytes, key_count, quota_bytes');
th.require('inv_cross_tenant_denied', 'rate==1', '§7 admin API: a tenant token cannot invalidate another tenant, and the attempt flushes nothing');
th.require('inv_admin_ok', 'rate==1', '§7 admin API: invalidate answers 200 with tenant_id, deleted_keys, message');
th.require('inv_probe_miss', 'rate==1', `§4 invalidation is immediate: ${target.id}'s cached answers are gone right after`);
th.require('inv_probe_other_hit', 'rate==1', `§8 invalidation affects only ${target.id}: every other tenant's entries survive`);
for (const t of others) {
  th.require(sel(METRIC.cacheHit, { tenant: t.id, phase: 'post' }), `rate>${sc.minHitRate}`,
    `§8 ${t.id} keeps a hit rate above ${sc.minHitRate * 100}% after ${target.id} is invalidated`);
  th.report(sel(METRIC.cacheHit, { tenant: t.id, phase: 'pre' }), 'rate');
  th.reportTenant(t.id);
}
th.report(sel(METRIC.cacheHit, { tenant: target.id, phase: 'pre' }), 'rate');
th.report(sel(METRIC.cacheHit, { tenant: target.id, phase: 'post' }), 'rate');
th.reportTenant(target.id);
th.require(METRIC.mismatch, 'count==0', '§8 namespace isolation: no tenant receives another tenant\'s answer');

export const options = scriptOptions('invalidation', scenarios, th);

export function setup() {
  return startRun(cfg, (w) => console.warn(w));
}

/** @param {SetupData} data */
export function tenant(data) {
  const t = currentTenant(cfg);
  sendQuery(cfg, {
    tenant: t,
    role: t.id === target.id ? 'invalidated' : 'tenant',
    phase: phaseAt(elapsedSeconds(), PHASES),
    query: nextQuery(cfg, t, data.runId),
  });
}

const METRICS_FIELDS = ['tenant_id', 'hits', 'misses', 'hit_rate', 'size_bytes', 'key_count', 'quota_bytes'];

// A deployment may hold a tenant close to its limit (e.g. t01 configured with the isolation scenario's spike
// limit): a probe refused with 429 says nothing about the cache, so it waits the advised time and asks again.
const PROBE_ATTEMPTS = 3;

/**
 * @param {SetupData} data
 * @param {Tenant} t
 * @param {number} i
 */
function probe(data, t, i) {
  const send = () => sendQuery(cfg, {
    tenant: t,
    role: 'probe',
    phase: 'probe',
    query: queryText(cfg.queryTemplate, data.runId, `invalidation-probe-${i}`),
    expectThrottle: true,
  });
  let result = send();
  for (let attempt = 2; attempt <= PROBE_ATTEMPTS && result.status === 429; attempt++) {
    sleep(1);
    result = send();
  }
  return result;
}

/**
 * @param {string} tenantId
 * @param {string} token
 */
function metricsAnswerOk(tenantId, token) {
  const { status, body } = cacheMetrics(cfg, tenantId, token, { role: 'admin' });
  return status === 200 && body !== null && body.tenant_id === tenantId && METRICS_FIELDS.every((f) => f in body);
}

/** @param {SetupData} data */
export function invalidate(data) {
  const probes = Array.from({ length: sc.probeQueries }, (_, i) => i + 1);
  const admin = adminToken(cfg);
  const outcome = {};

  // 1. Warm every tenant's probes: MISS (or coalesced) first, HIT on the repeat.
  for (const t of cfg.tenants) {
    for (const i of probes) {
      probe(data, t, i);
      probeWarm.add(probe(data, t, i).cache === 'HIT', { tenant: t.id });
    }
  }

  // 2. Admin metrics endpoint answers the documented shape.
  adminMetricsOk.add(metricsAnswerOk(target.id, admin), { tenant: target.id, step: 'before' });

  // 3. Another tenant's token must not invalidate the target, and must not flush anything.
  const intruder = others[0];
  const denied = invalidateCache(cfg, target.id, tenantToken(cfg, intruder.id), { role: 'intruder' });
  const intactAfterDenied = probe(data, target, probes[0]).cache === 'HIT';
  crossTenantDenied.add((denied.status === 403 || denied.status === 401) && intactAfterDenied, { tenant: target.id });
  outcome.crossTenantStatus = denied.status;

  // 4. The real invalidation, with the admin token.
  const res = invalidateCache(cfg, target.id, admin, { role: 'admin' });
  const body = res.body || {};
  adminInvalidateOk.add(res.status === 200 && body.tenant_id === target.id && typeof body.deleted_keys === 'number' &&
    body.deleted_keys >= 0 && typeof body.message === 'string', { tenant: target.id });
  outcome.invalidateStatus = res.status;

  // 5. Immediately afterwards: target's probes miss, everyone else's still hit.
  for (const i of probes) targetProbeMiss.add(probe(data, target, i).cache === 'MISS', { tenant: target.id });
  for (const t of others) {
    for (const i of probes) otherProbeHit.add(probe(data, t, i).cache === 'HIT', { tenant: t.id });
  }
  adminMetricsOk.add(metricsAnswerOk(target.id, admin), { tenant: target.id, step: 'after' });
  console.log(`invalidation of ${target.id}: admin status ${outcome.invalidateStatus}, cross-tenant attempt status ${outcome.crossTenantStatus}`);
}

/** @param {SummaryData} data */
export function handleSummary(data) {
  const report = buildReport({
    script: 'invalidation',
    cfg,
    data,
    thresholds: th,
    sections: [{
      key: 'hitRateAroundInvalidation',
      title: `steady hit rate before / after invalidating ${target.id} at ${sc.invalidateAtSeconds}s`,
      headers: ['tenant', 'before', 'after', 'required after'],
      rows: cfg.tenants.map((t) => {
        const pre = data.metrics[sel(METRIC.cacheHit, { tenant: t.id, phase: 'pre' })];
        const post = data.metrics[sel(METRIC.cacheHit, { tenant: t.id, phase: 'post' })];
        /** @param {SummaryMetric | undefined} m */
        const pct = (m) => (m && m.values && typeof m.values.rate === 'number' ? `${(m.values.rate * 100).toFixed(2)}%` : '-');
        return [t.id, pct(pre), pct(post), t.id === target.id ? '(invalidated)' : `>${sc.minHitRate * 100}%`];
      }),
    }],
  });
  return summaryOutputs('invalidation', cfg, report, data);
}
