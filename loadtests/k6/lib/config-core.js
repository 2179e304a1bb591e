// Env overrides on top of a validated scenario file, plus small shared helpers.
// Pure JavaScript (no k6 import, no open/__ENV): config.js feeds it the file and __ENV inside k6;
// the node self-tests feed it directly.

import { FEASIBILITY_MARGIN, SCENARIO_NAMES, validateScenarioFile } from './scenario-file.js';
import { idealHitRate } from './zipf.js';

/** @import { AnyConfig, Config, Env, ScenarioFile, ScenarioName, ScenarioSettingsMap, SetupData, Tenant } from './types.js' */

/** @param {Env | undefined} env @param {string} key @returns {string | undefined} */
const envValue = (env, key) => (env && env[key] !== undefined && env[key] !== '' ? String(env[key]) : undefined);

/**
 * @param {Env} env
 * @param {string} key
 * @param {number} [fallback] when the variable is unset; without one it is required
 * @returns {number}
 */
function positiveNumberFromEnv(env, key, fallback) {
  const value = envValue(env, key);
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`${key} is required`);
    return fallback;
  }
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed > 0)) throw new Error(`${key} must be a positive number, got "${value}"`);
  return parsed;
}

/**
 * k6 scenario names allow [0-9a-zA-Z_-] only.
 * @param {...string} parts
 * @returns {string}
 */
export function scenarioKey(...parts) {
  return parts.join('_').replace(/[^0-9A-Za-z_-]/g, '_');
}

/**
 * Env-var suffix for a tenant: t01 -> T01, team.a -> TEAM_A (TOKEN_<SUFFIX>, BASELINE_P95_<SUFFIX>).
 * @param {string} tenantId
 * @returns {string}
 */
export function envSuffix(tenantId) {
  return tenantId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Applies env overrides to a validated scenario file and returns what a script needs for one
 * scenario. Throws with every problem listed, so k6 stops at init instead of running a test
 * that cannot prove anything.
 * @template {ScenarioName} N
 * @param {unknown} input the parsed scenario file, validated here
 * @param {Env} env
 * @param {N} scenarioName
 * @returns {Config<N>}
 */
export function resolveConfig(input, env, scenarioName) {
  if (!SCENARIO_NAMES.includes(scenarioName)) throw new Error(`unknown scenario "${scenarioName}"`);
  const errors = validateScenarioFile(input);
  if (errors.length > 0) throw new Error(`scenario file is invalid:\n  - ${errors.join('\n  - ')}`);
  const raw = /** @type {ScenarioFile} */ (input);

  const rateScale = positiveNumberFromEnv(env, 'RATE_SCALE', 1);
  const durationScale = positiveNumberFromEnv(env, 'DURATION_SCALE', 1);
  /** @param {number} seconds */
  const scaleSeconds = (seconds) => (seconds === 0 ? 0 : Math.max(1, Math.round(seconds * durationScale)));

  const wanted = envValue(env, 'TENANTS');
  let selected = raw.tenants;
  if (wanted) {
    const ids = wanted.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = ids.filter((id) => !raw.tenants.some((t) => t.id === id));
    if (unknown.length) throw new Error(`TENANTS names unknown tenant(s): ${unknown.join(', ')}`);
    selected = raw.tenants.filter((t) => ids.includes(t.id));
  }
  const tenants = selected.map((t) => ({
    id: t.id,
    tier: t.tier,
    rate: t.rate * rateScale,
    timeoutMs: raw.tiers[t.tier].timeoutMs,
    maxQps: raw.tiers[t.tier].maxQps,
    key: scenarioKey(t.id),
  }));
  if (tenants.length === 0) throw new Error('no tenants selected');

  /** @type {Record<string, unknown>} */
  const settings = {};
  for (const [key, value] of Object.entries(raw.scenarios[scenarioName])) {
    if (key.startsWith('_')) continue;
    settings[key] = key.endsWith('Seconds') && typeof value === 'number' ? scaleSeconds(value) : value;
  }
  const scenario = /** @type {ScenarioSettingsMap[N]} */ (settings);
  /** @param {string} id */
  const has = (id) => tenants.some((t) => t.id === id);
  if (scenarioName === 'isolation') {
    const iso = /** @type {ScenarioSettingsMap['isolation']} */ (scenario);
    iso.spikeLimitQps = positiveNumberFromEnv(env, 'SPIKE_LIMIT_QPS', iso.spikeLimitQps);
    iso.spikeMultiplier = positiveNumberFromEnv(env, 'SPIKE_MULTIPLIER', iso.spikeMultiplier);
    if (!has(iso.spikeTenant)) throw new Error(`TENANTS must include the spike tenant ${iso.spikeTenant}`);
    if (tenants.length < 2) throw new Error('isolation needs at least one victim tenant besides the spike tenant');
    if (iso.spikeStartSeconds + iso.spikeDurationSeconds > iso.durationSeconds ||
      iso.spikeStartSeconds <= iso.warmupSeconds) {
      throw new Error('DURATION_SCALE rounding broke the warm-up/baseline/spike windows; pick another scale');
    }
  }
  if (scenarioName === 'invalidation') {
    const inv = /** @type {ScenarioSettingsMap['invalidation']} */ (scenario);
    if (!has(inv.invalidateTenant)) throw new Error(`TENANTS must include the invalidated tenant ${inv.invalidateTenant}`);
    if (tenants.length < 2) throw new Error('invalidation needs at least one other tenant to observe');
    if (inv.invalidateAtSeconds >= inv.durationSeconds) {
      throw new Error('DURATION_SCALE rounding put the invalidation after the end of the run');
    }
  }

  /** @type {Record<string, number>} */
  const baselineP95 = {};
  for (const t of tenants) {
    const value = envValue(env, `BASELINE_P95_${envSuffix(t.id)}`);
    if (value !== undefined) baselineP95[t.id] = positiveNumberFromEnv(env, `BASELINE_P95_${envSuffix(t.id)}`);
  }

  return {
    scenarioName,
    baseUrl: (envValue(env, 'BASE_URL') || raw.baseUrl).replace(/\/+$/, ''),
    queryTemplate: raw.queryTemplate,
    jwt: {
      issuer: envValue(env, 'JWT_ISSUER') || raw.jwt.issuer,
      audience: envValue(env, 'JWT_AUDIENCE') || raw.jwt.audience,
      signingKey: envValue(env, 'JWT_SIGNING_KEY') || raw.jwt.signingKey,
      tenantClaim: raw.jwt.tenantClaim,
      lifetimeSeconds: raw.jwt.lifetimeSeconds,
      notBeforeSkewSeconds: raw.jwt.notBeforeSkewSeconds || 0,
      subjectPrefix: raw.jwt.subjectPrefix,
      adminSubject: raw.jwt.adminSubject,
      adminScope: raw.jwt.adminScope,
      adminTenantId: raw.jwt.adminTenantId || '',
    },
    tiers: raw.tiers,
    tenants,
    scenario,
    rateScale,
    durationScale,
    runId: envValue(env, 'RUN_ID') || '',
    httpTimeout: envValue(env, 'HTTP_TIMEOUT') || '10s',
    summaryDir: (envValue(env, 'SUMMARY_DIR') || '.').replace(/\/+$/, ''),
    baselineP95,
  };
}

/**
 * The selected tenant with this id. resolveConfig already refuses a TENANTS list without the spike or
 * invalidated tenant, so this throws only on a programming error.
 * @param {Config} cfg
 * @param {string} id
 * @returns {Tenant}
 */
export function tenantOf(cfg, id) {
  const tenant = cfg.tenants.find((t) => t.id === id);
  if (!tenant) throw new Error(`tenant ${id} is not among the selected tenants`);
  return tenant;
}

/**
 * Warnings for a resolved config whose scaled rates make the hit-rate target unreachable.
 * @param {AnyConfig} cfg
 * @returns {string[]}
 */
export function feasibilityWarnings(cfg) {
  let windows = null;
  if (cfg.scenarioName === 'cache') {
    const sc = cfg.scenario;
    windows = { sc, candidates: cfg.tenants, warm: sc.warmupSeconds, measure: sc.durationSeconds - sc.warmupSeconds };
  } else if (cfg.scenarioName === 'invalidation') {
    const sc = cfg.scenario;
    windows = {
      sc,
      candidates: cfg.tenants.filter((t) => t.id !== sc.invalidateTenant),
      warm: sc.invalidateAtSeconds,
      measure: sc.durationSeconds - sc.invalidateAtSeconds,
    };
  }
  if (!windows) return [];
  const { sc } = windows;
  const warnings = [];
  for (const t of windows.candidates) {
    const ideal = idealHitRate({
      distinctQueries: sc.distinctQueries,
      exponent: sc.zipfExponent,
      ratePerSecond: t.rate,
      warmupSeconds: windows.warm,
      measureSeconds: windows.measure,
    });
    if (ideal < sc.minHitRate + FEASIBILITY_MARGIN) {
      warnings.push(`tenant ${t.id}: a perfect cache reaches only ${ideal.toFixed(3)} at ${t.rate}/s; ` +
        `the ${sc.minHitRate} hit-rate threshold will likely fail because of RATE_SCALE/DURATION_SCALE, not the gateway`);
    }
  }
  return warnings;
}

/**
 * The query text both load tools send: same text for every tenant, so leaks are detectable.
 * @param {string} template
 * @param {string} runId
 * @param {number | string} rank
 * @returns {string}
 */
export function queryText(template, runId, rank) {
  return template.split('{runId}').join(runId).split('{rank}').join(String(rank));
}

/**
 * A short id that keeps one run's queries from hitting cache entries of an earlier run.
 * @param {number} nowMs
 * @param {number} random in [0, 1)
 * @returns {string}
 */
export function newRunId(nowMs, random) {
  return `${Math.floor(nowMs).toString(36)}${Math.floor(random * 1296).toString(36).padStart(2, '0')}`;
}

/**
 * What every script's `setup()` returns: the run id that keeps earlier runs' cache entries out; warns about infeasible targets.
 * @param {AnyConfig} cfg
 * @param {(warning: string) => void} warn
 * @returns {SetupData}
 */
export function startRun(cfg, warn) {
  for (const w of feasibilityWarnings(cfg)) warn(w);
  return { runId: cfg.runId || newRunId(Date.now(), Math.random()) };
}
