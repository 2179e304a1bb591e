// Metric names and a small threshold builder. Pure JavaScript (no k6 import).
//
// k6 keeps a tagged sub-metric (e.g. rag_latency{tenant:t02}) in the end-of-test data only if a
// threshold names it. Per-tenant tables in the summary need those sub-metrics even where no pass/
// fail criterion applies, so `report()` adds an always-true expression (max>=0, rate>=0,
// count>=0). The summary lists only the real criteria added with `require()`.

import { plannedIterations } from './load-shape.js';

/** @import { Options, Scenario } from 'k6/options' */
/** @import { MetricKind, ThresholdEntry } from './types.js' */

export const METRIC = {
  latency: 'rag_latency', // Trend (ms): every /query response, any status
  cacheHit: 'rag_cache_hit', // Rate: X-Cache == HIT among 200 answers that carry X-Cache
  withinSla: 'rag_within_sla', // Rate: status 200 and duration <= tier timeout
  error: 'rag_error', // Rate: non-2xx (status 0 = transport error included)
  throttled: 'rag_throttled', // Counter: 429
  shed: 'rag_shed', // Counter: 503
  timedOut: 'rag_timeout', // Counter: 504
  mismatch: 'rag_tenant_mismatch', // Counter: 200 answer whose tenant_id is not the caller's
  limitHeaders: 'rag_429_headers_ok', // Rate: 429 carries Retry-After, RateLimit-Policy, RateLimit
};

/** @type {Record<string, MetricKind>} */
export const METRIC_KIND = {
  rag_latency: 'trend',
  rag_cache_hit: 'rate',
  rag_within_sla: 'rate',
  rag_error: 'rate',
  rag_throttled: 'counter',
  rag_shed: 'counter',
  rag_timeout: 'counter',
  rag_tenant_mismatch: 'counter',
  rag_429_headers_ok: 'rate',
};

/** @type {Record<MetricKind, string>} */
export const REPORT_ONLY = { trend: 'max>=0', rate: 'rate>=0', counter: 'count>=0' };

export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'];

/**
 * `metric{k:v,...}` — the exact sub-metric name k6 reports back in handleSummary data.
 * @param {string} metric
 * @param {Record<string, string>} [tags]
 * @returns {string}
 */
export function sel(metric, tags) {
  const parts = Object.entries(tags || {}).map(([k, v]) => `${k}:${v}`);
  return parts.length ? `${metric}{${parts.join(',')}}` : metric;
}

export class ThresholdSet {
  constructor() {
    /** @type {ThresholdEntry[]} */
    this.entries = [];
  }

  /**
   * A pass/fail criterion; `why` says what it proves (shown in the summary).
   * @param {string} selector
   * @param {string} expr
   * @param {string} why
   */
  require(selector, expr, why) {
    this.entries.push({ selector, expr, why, reportOnly: false });
    return this;
  }

  /**
   * Keep a sub-metric in the summary data without judging it.
   * @param {string} selector
   * @param {MetricKind} kind
   */
  report(selector, kind) {
    const expr = REPORT_ONLY[kind];
    if (!expr) throw new Error(`unknown metric kind ${kind}`);
    if (!this.entries.some((e) => e.selector === selector && e.expr === expr)) {
      this.entries.push({ selector, expr, why: '', reportOnly: true });
    }
    return this;
  }

  /**
   * Report-only sub-metrics for every rag_* metric of one tenant (optionally narrowed by tags).
   * @param {string} tenantId
   * @param {Record<string, string>} [extraTags]
   */
  reportTenant(tenantId, extraTags = {}) {
    for (const name of Object.values(METRIC)) this.report(sel(name, { tenant: tenantId, ...extraTags }), METRIC_KIND[name]);
    return this;
  }

  /**
   * The `thresholds` option for k6.
   * @returns {Record<string, string[]>}
   */
  toOptions() {
    /** @type {Record<string, string[]>} */
    const options = {};
    for (const { selector, expr } of this.entries) {
      options[selector] = options[selector] || [];
      if (!options[selector].includes(expr)) options[selector].push(expr);
    }
    return options;
  }

  criteria() {
    return this.entries.filter((e) => !e.reportOnly);
  }
}

/**
 * The k6 `options` every script exports. Adds the one criterion all scripts share: the load generator kept the
 * configured arrival rates (at most 1% of planned iterations dropped, at least 5 allowed), or the run proves nothing.
 * @param {string} testName
 * @param {Record<string, Scenario>} scenarios
 * @param {ThresholdSet} th
 * @returns {Options}
 */
export function scriptOptions(testName, scenarios, th) {
  const dropAllowance = Math.max(5, Math.ceil(plannedIterations(scenarios) * 0.01));
  th.require('dropped_iterations', `count<=${dropAllowance}`,
    'load generator kept the configured arrival rates (otherwise the run proves nothing)');
  return {
    scenarios,
    thresholds: th.toOptions(),
    summaryTrendStats: SUMMARY_TREND_STATS,
    tags: { test: testName },
    userAgent: 'tenant-gateway-loadtest-k6/1.0',
  };
}
