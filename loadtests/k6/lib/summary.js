// End-of-test report built from k6's handleSummary data. Pure JavaScript (no k6 import), so the
// node dry run renders the same report. Never include tokens or the signing key here.

import { METRIC, sel } from './thresholds.js';

/** @import { ThresholdSet } from './thresholds.js' */
/** @import { Cell, Config, Report, ReportSection, SummaryData, Tenant, Verdict } from './types.js' */

/**
 * The aggregate a threshold expression reads: "p(95)<200" -> "p(95)", "rate>=0.995" -> "rate".
 * @param {string} expr
 * @returns {string | undefined}
 */
export function aggregateOf(expr) {
  const match = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(?:<=|>=|===|==|!=|<|>)/.exec(expr);
  return match ? match[1] : undefined;
}

/**
 * The values k6 reports for a (sub-)metric, or undefined when the data does not hold it.
 * @param {SummaryData | undefined} data
 * @param {string} selector
 * @returns {Record<string, number> | undefined}
 */
export function metricValues(data, selector) {
  const metric = data && data.metrics ? data.metrics[selector] : undefined;
  return metric && metric.values ? metric.values : undefined;
}

/** @param {number | undefined} v */
const fmtMs = (v) => (typeof v === 'number' ? v.toFixed(1) : '-');
/** @param {number | undefined} v */
const fmtPct = (v) => (typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : '-');
/** @param {number | undefined} v */
const fmtInt = (v) => (typeof v === 'number' ? String(Math.round(v)) : '-');
/** @param {number | undefined} v */
const fmtNum = (v) => (typeof v !== 'number' ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(4));

/**
 * A Rate's value, or undefined when it saw no samples (k6 reports 0 for an empty Rate).
 * @param {Record<string, number> | undefined} values
 * @returns {number | undefined}
 */
const rateOf = (values) => (values && values.passes + values.fails > 0 ? values.rate : undefined);

/**
 * Rows of one tenant's standard rag_* figures, optionally narrowed by extra tags (e.g. phase).
 * @param {SummaryData | undefined} data
 * @param {Pick<Tenant, 'id' | 'tier'>} tenant
 * @param {Record<string, string>} [extraTags]
 */
export function tenantFigures(data, tenant, extraTags = {}) {
  /** @param {string} name @returns {Record<string, number>} */
  const pick = (name) => metricValues(data, sel(name, { tenant: tenant.id, ...extraTags })) || {};
  const latency = pick(METRIC.latency);
  return {
    tenant: tenant.id,
    tier: tenant.tier,
    requests: latency.count,
    p50Ms: latency.med,
    p95Ms: latency['p(95)'],
    p99Ms: latency['p(99)'],
    errorRate: rateOf(pick(METRIC.error)),
    hitRate: rateOf(pick(METRIC.cacheHit)),
    withinSla: rateOf(pick(METRIC.withinSla)),
    throttled429: pick(METRIC.throttled).count,
    shed503: pick(METRIC.shed).count,
    timeout504: pick(METRIC.timedOut).count,
    tenantMismatch: pick(METRIC.mismatch).count,
  };
}

/**
 * @param {string[]} headers
 * @param {Cell[][]} rows
 * @returns {string}
 */
export function renderTable(headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined || c === null ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  /** @param {string[]} r */
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** @param {ReturnType<typeof tenantFigures>[]} figures */
function tenantTable(figures) {
  return renderTable(
    ['tenant', 'tier', 'reqs', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'hit rate', 'in SLA', '429', '503', '504', 'leaks'],
    figures.map((f) => [
      f.tenant, f.tier, fmtInt(f.requests), fmtMs(f.p50Ms), fmtMs(f.p95Ms), fmtMs(f.p99Ms), fmtPct(f.errorRate),
      fmtPct(f.hitRate), fmtPct(f.withinSla), fmtInt(f.throttled429), fmtInt(f.shed503), fmtInt(f.timeout504),
      fmtInt(f.tenantMismatch),
    ]),
  );
}

/**
 * thresholds: the script's ThresholdSet. sections: [{ title, headers, rows, json }] extra tables
 * a script adds (isolation's baseline-vs-spike comparison, ...). verdicts: [{ name, ok, detail }]
 * computed checks that k6 thresholds cannot express (they are reported, not enforced).
 * @param {{ script: string, cfg: Config, data: SummaryData | undefined, thresholds: ThresholdSet,
 *   sections?: ReportSection[], verdicts?: Verdict[], notes?: string[] }} parts
 * @returns {Report}
 */
export function buildReport({ script, cfg, data, thresholds, sections = [], verdicts = [], notes = [] }) {
  const criteria = thresholds.criteria().map((c) => {
    const metric = data && data.metrics ? data.metrics[c.selector] : undefined;
    const outcome = metric && metric.thresholds ? metric.thresholds[c.expr] : undefined;
    const aggregate = aggregateOf(c.expr);
    const value = metric && metric.values && aggregate ? metric.values[aggregate] : undefined;
    return { metric: c.selector, threshold: c.expr, ok: outcome ? outcome.ok !== false : false, value, proves: c.why };
  });
  const tenants = cfg.tenants.map((t) => tenantFigures(data, t));
  const passed = criteria.every((c) => c.ok);
  const json = {
    script,
    generatedAt: new Date().toISOString(),
    passed,
    baseUrl: cfg.baseUrl,
    runId: data && data.setup_data ? data.setup_data.runId : cfg.runId,
    testRunDurationMs: data && data.state ? data.state.testRunDurationMs : undefined,
    scenario: cfg.scenario,
    rateScale: cfg.rateScale,
    durationScale: cfg.durationScale,
    tenantRates: cfg.tenants.map((t) => ({ id: t.id, tier: t.tier, rate: t.rate, timeoutMs: t.timeoutMs })),
    thresholds: criteria,
    verdicts,
    tenants,
    sections: Object.fromEntries(sections.map((s) => [s.key || s.title, s.json || s.rows])),
    notes,
  };

  /** @type {string[]} */
  const out = [];
  out.push(`== k6 ${script}: ${passed ? 'PASSED' : 'FAILED'} (${cfg.baseUrl}) ==`);
  out.push('');
  out.push(tenantTable(tenants));
  for (const s of sections) {
    out.push('', `-- ${s.title} --`, renderTable(s.headers, s.rows));
  }
  if (verdicts.length) {
    out.push('', '-- computed checks (reported, not enforced by k6 exit code) --');
    for (const v of verdicts) out.push(`${v.ok ? 'ok  ' : 'FAIL'}  ${v.name}: ${v.detail}`);
  }
  out.push('', '-- thresholds (these decide the k6 exit code) --');
  for (const c of criteria) {
    out.push(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.metric} ${c.threshold}  (actual ${fmtNum(c.value)})${c.proves ? `  — ${c.proves}` : ''}`);
  }
  for (const n of notes) out.push('', `note: ${n}`);
  return { json, text: `${out.join('\n')}\n` };
}

/**
 * The object handleSummary returns: stdout plus JSON and text files in SUMMARY_DIR.
 * @param {string} script
 * @param {Config} cfg
 * @param {Report} report
 * @param {SummaryData | undefined} rawData
 * @returns {Record<string, string>}
 */
export function summaryOutputs(script, cfg, report, rawData) {
  const base = `${cfg.summaryDir}/k6-${script}-summary`;
  return {
    stdout: report.text,
    [`${base}.json`]: JSON.stringify({ ...report.json, k6: rawData ? { metrics: rawData.metrics, state: rawData.state } : undefined }, null, 2),
    [`${base}.txt`]: report.text,
  };
}
