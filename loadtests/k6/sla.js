// SPEC §8 "Tier SLAs enforced with hard timeouts, 99.5%+ compliance". Every tenant sends its
// steady rate of Zipf-distributed queries (a realistic hit/miss mix); after warm-up, each tier's
// p95 must sit inside its budget, 99.5% of requests must be answered 200 within it, and the
// p99.9 tail must be cut near the budget (a gateway without hard timeouts shows a long tail).
//
//   k6 run -e BASE_URL=https://gateway.example loadtests/k6/sla.js

import { startRun } from './lib/config-core.js';
import { arrivalScenario, phaseAt } from './lib/load-shape.js';
import { loadConfig } from './lib/config.js';
import { currentTenant, elapsedSeconds, nextQuery, sendQuery } from './lib/rag.js';
import { buildReport, metricValues, summaryOutputs } from './lib/summary.js';
import { METRIC, scriptOptions, sel, ThresholdSet } from './lib/thresholds.js';

/** @import { Scenario } from 'k6/options' */
/** @import { SetupData, SummaryData } from './lib/types.js' */

const cfg = loadConfig('sla');
const sc = cfg.scenario;
const warmup = sc.warmupSeconds || 0;
/** @type {Array<[string, number]>} */
const PHASES = [['warmup', 0], ['measure', warmup]];
const tiersInUse = [...new Set(cfg.tenants.map((t) => t.tier))];

/** @type {Record<string, Scenario>} */
const scenarios = {};
for (const t of cfg.tenants) {
  scenarios[`steady_${t.key}`] = arrivalScenario({
    exec: 'tenant', tenant: t, role: 'tenant', ratePerSecond: t.rate, durationSeconds: sc.durationSeconds,
  });
}

const th = new ThresholdSet();
for (const tier of tiersInUse) {
  const budget = cfg.tiers[tier].timeoutMs;
  const tags = { tier, phase: 'measure' };
  th.require(sel(METRIC.latency, tags), `p(95)<${budget}`, `§8 SLA: ${tier} p95 inside its ${budget} ms budget`);
  th.require(sel(METRIC.withinSla, tags), `rate>=${sc.compliance}`,
    `§8 SLA: >= ${sc.compliance * 100}% of ${tier} requests answered 200 within ${budget} ms`);
  th.require(sel(METRIC.latency, tags), `p(99.9)<${budget + sc.hardTimeoutGraceMs}`,
    `§3 hard timeout: ${tier} tail cut at the budget (+${sc.hardTimeoutGraceMs} ms for network)`);
}
for (const t of cfg.tenants) th.reportTenant(t.id, { phase: 'measure' }).reportTenant(t.id);
th.require(METRIC.mismatch, 'count==0', '§8 namespace isolation: no tenant receives another tenant\'s answer');

export const options = scriptOptions('sla', scenarios, th);

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
  for (const tier of tiersInUse) {
    const budget = cfg.tiers[tier].timeoutMs;
    const lat = metricValues(data, sel(METRIC.latency, { tier, phase: 'measure' })) || {};
    const sla = metricValues(data, sel(METRIC.withinSla, { tier, phase: 'measure' })) || {};
    json.push({ tier, budgetMs: budget, requests: lat.count, p95Ms: lat['p(95)'], p999Ms: lat['p(99.9)'], maxMs: lat.max, withinSla: sla.rate });
    rows.push([tier, budget, lat.count ?? '-', lat['p(95)']?.toFixed(1), lat['p(99.9)']?.toFixed(1), lat.max?.toFixed(1),
      typeof sla.rate === 'number' ? `${(sla.rate * 100).toFixed(3)}%` : '-']);
  }
  const report = buildReport({
    script: 'sla',
    cfg,
    data,
    thresholds: th,
    sections: [{
      key: 'tiers',
      title: `per tier after ${warmup}s warm-up (target ${sc.compliance * 100}% within budget)`,
      headers: ['tier', 'budget ms', 'reqs', 'p95 ms', 'p99.9 ms', 'max ms', 'within SLA'],
      rows,
      json,
    }],
  });
  return summaryOutputs('sla', cfg, report, data);
}
