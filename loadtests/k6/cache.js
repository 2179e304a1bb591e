// SPEC §8 "Cache hit rate above 75% per tenant on a realistic repeated-query workload".
// Every tenant draws queries from a Zipf(distinctQueries, zipfExponent) distribution; after the
// warm-up window each tenant's X-Cache hit rate must exceed minHitRate. The same query texts are
// sent by every tenant, so a cache keyed without the tenant namespace would leak answers across
// tenants, which rag_tenant_mismatch catches.
//
//   k6 run -e BASE_URL=https://gateway.example loadtests/k6/cache.js

import { startRun } from './lib/config-core.js';
import { arrivalScenario, phaseAt } from './lib/load-shape.js';
import { loadConfig } from './lib/config.js';
import { currentTenant, elapsedSeconds, nextQuery, sendQuery } from './lib/rag.js';
import { buildReport, metricValues, summaryOutputs } from './lib/summary.js';
import { METRIC, scriptOptions, sel, ThresholdSet } from './lib/thresholds.js';
import { idealHitRate } from './lib/zipf.js';

/** @import { Scenario } from 'k6/options' */
/** @import { SetupData, SummaryData } from './lib/types.js' */

const cfg = loadConfig('cache');
const sc = cfg.scenario;
/** @type {Array<[string, number]>} */
const PHASES = [['warmup', 0], ['measure', sc.warmupSeconds]];

/** @type {Record<string, Scenario>} */
const scenarios = {};
for (const t of cfg.tenants) {
  scenarios[`steady_${t.key}`] = arrivalScenario({
    exec: 'tenant', tenant: t, role: 'tenant', ratePerSecond: t.rate, durationSeconds: sc.durationSeconds,
  });
}

const th = new ThresholdSet();
for (const t of cfg.tenants) {
  th.require(sel(METRIC.cacheHit, { tenant: t.id, phase: 'measure' }), `rate>${sc.minHitRate}`,
    `§8 cache: ${t.id} hit rate above ${sc.minHitRate * 100}% after ${sc.warmupSeconds}s warm-up`);
  th.reportTenant(t.id);
}
th.require(METRIC.mismatch, 'count==0', '§8 namespace isolation: same query text, never another tenant\'s answer');
th.require(sel(METRIC.error, { phase: 'measure' }), 'rate<0.01',
  'workload sanity: hit rate is computed over answered requests, so nearly all must be answered');

export const options = scriptOptions('cache', scenarios, th);

export function setup() {
  return startRun(cfg, (w) => console.warn(w));
}

/** @param {SetupData} data */
export function tenant(data) {
  const t = currentTenant(cfg);
  sendQuery(cfg, { tenant: t, role: 'tenant', phase: phaseAt(elapsedSeconds(), PHASES), query: nextQuery(cfg, t, data.runId) });
}

/** @param {SummaryData} data */
export function handleSummary(data) {
  const rows = [];
  const json = [];
  for (const t of cfg.tenants) {
    const measured = (metricValues(data, sel(METRIC.cacheHit, { tenant: t.id, phase: 'measure' })) || {}).rate;
    const ideal = idealHitRate({
      distinctQueries: sc.distinctQueries,
      exponent: sc.zipfExponent,
      ratePerSecond: t.rate,
      warmupSeconds: sc.warmupSeconds,
      measureSeconds: sc.durationSeconds - sc.warmupSeconds,
    });
    json.push({ tenant: t.id, rate: t.rate, measuredHitRate: measured, perfectCacheHitRate: ideal, minHitRate: sc.minHitRate });
    rows.push([t.id, t.rate, typeof measured === 'number' ? `${(measured * 100).toFixed(2)}%` : '-',
      `${(ideal * 100).toFixed(2)}%`, `>${sc.minHitRate * 100}%`]);
  }
  const report = buildReport({
    script: 'cache',
    cfg,
    data,
    thresholds: th,
    sections: [{
      key: 'hitRates',
      title: `hit rate after ${sc.warmupSeconds}s warm-up, Zipf(${sc.distinctQueries}, ${sc.zipfExponent})`,
      headers: ['tenant', 'req/s', 'measured', 'perfect cache', 'required'],
      rows,
      json,
    }],
  });
  return summaryOutputs('cache', cfg, report, data);
}
