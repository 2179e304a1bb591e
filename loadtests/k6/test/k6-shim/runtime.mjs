// Shared state behind the k6 stubs: virtual clock, current scenario/VU, metric samples and the
// HTTP handler (the fake gateway). The dry run drives it; the stubs only read and record.

export const BUILTIN_METRICS = {
  http_reqs: 'counter',
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  checks: 'rate',
  iterations: 'counter',
  dropped_iterations: 'counter',
};

export const state = {
  epochMs: Date.now(),
  nowMs: 0, // virtual ms since the scenarios started
  globalTags: {},
  scenario: null, // { name, executor, startTimeMs, tags, iterationInTest }
  vu: { idInTest: 0, iterationInInstance: 0 },
  metrics: new Map(), // name -> { name, type, isTime, samples: [{ value, tags }] }
  http: null,
  inInit: true,
};

export function defineMetric(name, type, isTime = false) {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/.test(name)) throw new Error(`invalid k6 metric name "${name}"`);
  const existing = state.metrics.get(name);
  if (existing) {
    if (existing.type !== type) throw new Error(`metric ${name} redefined as ${type} (was ${existing.type})`);
    return existing;
  }
  const metric = { name, type, isTime, samples: [] };
  state.metrics.set(name, metric);
  return metric;
}

for (const [name, type] of Object.entries(BUILTIN_METRICS)) defineMetric(name, type, name === 'http_req_duration');

export function currentTags(extra) {
  const tags = { ...state.globalTags };
  if (state.scenario) Object.assign(tags, state.scenario.tags, { scenario: state.scenario.name });
  if (extra) {
    for (const [k, v] of Object.entries(extra)) {
      if (typeof v !== 'string') throw new Error(`tag ${k} must be a string, got ${typeof v} (${v})`);
      tags[k] = v;
    }
  }
  return tags;
}

export function record(name, value, extraTags) {
  if (state.inInit) throw new Error(`metric ${name} sampled in the init context`);
  const metric = state.metrics.get(name);
  if (!metric) throw new Error(`unknown metric ${name}`);
  const numeric = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (typeof numeric !== 'number' || Number.isNaN(numeric)) throw new Error(`metric ${name}: non-numeric sample ${value}`);
  metric.samples.push({ value: numeric, tags: currentTags(extraTags) });
}
