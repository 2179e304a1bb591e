// Types of the load tests' own data, for the type-check only (check.sh: tsc over tsconfig.json).
// k6 never loads this file: the .js files refer to it from JSDoc (`@import ... from './types.js'`),
// and the k6 API itself is typed by @types/k6.

// ---- loadtests/scenarios.json, after validateScenarioFile accepted it ----

export type ScenarioName = 'isolation' | 'sla' | 'cache' | 'invalidation';

export interface TierSpec {
  timeoutMs: number;
  maxQps: number;
}

export interface TenantSpec {
  id: string;
  tier: string;
  rate: number;
}

export interface JwtSpec {
  issuer: string;
  audience: string;
  signingKey: string;
  tenantClaim: string;
  lifetimeSeconds: number;
  notBeforeSkewSeconds?: number;
  subjectPrefix: string;
  adminSubject: string;
  adminScope: string;
  adminTenantId?: string;
}

/** `unique` never repeats a query; `zipf` draws ranks 1..distinctQueries. */
export type QuerySettings =
  | { queryMode: 'unique' }
  | ZipfQuerySettings;

export interface ZipfQuerySettings {
  queryMode: 'zipf';
  distinctQueries: number;
  zipfExponent: number;
}

export type IsolationSettings = QuerySettings & {
  durationSeconds: number;
  warmupSeconds: number;
  spikeTenant: string;
  spikeStartSeconds: number;
  spikeDurationSeconds: number;
  spikeLimitQps: number;
  spikeMultiplier: number;
  thresholds: { victimP95IncreasePct: number; victimErrorRate: number };
};

export type SlaSettings = QuerySettings & {
  durationSeconds: number;
  warmupSeconds?: number;
  compliance: number;
  hardTimeoutGraceMs: number;
};

export type CacheSettings = ZipfQuerySettings & {
  durationSeconds: number;
  warmupSeconds: number;
  minHitRate: number;
};

export type InvalidationSettings = ZipfQuerySettings & {
  durationSeconds: number;
  invalidateTenant: string;
  invalidateAtSeconds: number;
  minHitRate: number;
  probeQueries: number;
};

export interface ScenarioSettingsMap {
  isolation: IsolationSettings;
  sla: SlaSettings;
  cache: CacheSettings;
  invalidation: InvalidationSettings;
}

export interface ScenarioFile {
  baseUrl: string;
  queryTemplate: string;
  jwt: JwtSpec;
  tiers: Record<string, TierSpec>;
  tenants: TenantSpec[];
  scenarios: ScenarioSettingsMap;
}

// ---- what resolveConfig hands a script (env overrides applied) ----

/** A tenant a script drives: rate scaled by RATE_SCALE, its tier's limits, its k6 scenario-name key. */
export interface Tenant {
  id: string;
  tier: string;
  rate: number;
  timeoutMs: number;
  maxQps: number;
  key: string;
}

export type ResolvedJwt = Required<Omit<JwtSpec, 'notBeforeSkewSeconds' | 'adminTenantId'>> & {
  notBeforeSkewSeconds: number;
  /** '' = the admin token carries no tenant claim. */
  adminTenantId: string;
};

export interface Config<N extends ScenarioName = ScenarioName> {
  scenarioName: N;
  baseUrl: string;
  queryTemplate: string;
  jwt: ResolvedJwt;
  tiers: Record<string, TierSpec>;
  tenants: Tenant[];
  /** The scenario's settings with every `*Seconds` value scaled by DURATION_SCALE. */
  scenario: ScenarioSettingsMap[N];
  rateScale: number;
  durationScale: number;
  runId: string;
  httpTimeout: string;
  summaryDir: string;
  /** BASELINE_P95_<TENANT> overrides, ms by tenant id. */
  baselineP95: Record<string, number>;
}

/** A Config of any one scenario; checking `scenarioName` narrows `scenario`. */
export type AnyConfig = { [N in ScenarioName]: Config<N> }[ScenarioName];

/** What every script's setup() returns (k6 passes it to the exec functions and handleSummary). */
export interface SetupData {
  runId: string;
}

/** Environment as k6 exposes it in __ENV (or a plain object in the node tests). */
export type Env = { [name: string]: string | undefined };

// ---- thresholds and the end-of-test report ----

export type MetricKind = 'trend' | 'rate' | 'counter';

export interface ThresholdEntry {
  /** `metric` or `metric{tag:value,...}`. */
  selector: string;
  /** k6 threshold expression, e.g. `p(95)<200`. */
  expr: string;
  /** What the criterion proves (empty for report-only entries). */
  why: string;
  reportOnly: boolean;
}

/** One metric of the data k6 hands handleSummary. */
export interface SummaryMetric {
  type?: 'counter' | 'gauge' | 'rate' | 'trend';
  contains?: 'default' | 'time' | 'data';
  /** count, rate, passes, fails, avg, p(95), ... depending on the metric type. */
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** The argument of handleSummary(data). */
export interface SummaryData {
  metrics: Record<string, SummaryMetric>;
  setup_data?: SetupData;
  state?: { testRunDurationMs: number; isStdOutTTY?: boolean; isStdErrTTY?: boolean };
}

export type Cell = string | number | null | undefined;

/** An extra table a script adds to the report. */
export interface ReportSection {
  key?: string;
  title: string;
  headers: string[];
  rows: Cell[][];
  /** What the JSON report holds for this section (default: the rows). */
  json?: unknown;
}

/** A computed check k6 thresholds cannot express (reported, not enforced). */
export interface Verdict {
  key?: string;
  name: string;
  ok: boolean;
  detail: string;
}

export interface Report {
  json: Record<string, unknown>;
  text: string;
}

declare global {
  /** k6's console (k6 prints it; there is no DOM or node console in its runtime). */
  var console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  };
}
