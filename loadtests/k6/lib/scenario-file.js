// Validation of loadtests/scenarios.json, the file the k6 scripts and the C# load driver share.
// Pure JavaScript (no k6 import): k6 runs it at init through config-core.js, node runs it in
// check.sh (test/validate-scenarios.mjs). One rule set for both.

import { idealHitRate } from './zipf.js';

export const SCENARIO_NAMES = ['isolation', 'sla', 'cache', 'invalidation'];
export const QUERY_MODES = ['zipf', 'unique'];

/** Tenant and tier ids end up inside k6 tag filters (`metric{tenant:t01}`) and scenario names. */
const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** A cache scenario must be passable by a perfect cache with this much room to spare. */
export const FEASIBILITY_MARGIN = 0.05;

/** @param {unknown} v @returns {v is Record<string, any>} */
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** @param {unknown} v */
const isPosInt = (v) => typeof v === 'number' && Number.isInteger(v) && v > 0;
/** @param {unknown} v */
const isNonNegInt = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
/** @param {unknown} v */
const isPosNum = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;
/** @param {unknown} v */
const isFraction = (v) => typeof v === 'number' && v > 0 && v < 1;
/** @param {unknown} v */
const isText = (v) => typeof v === 'string' && v.trim().length > 0;

/**
 * Checks the shared scenarios.json. Returns a list of "path: problem" strings (empty = valid).
 * Besides shape, it rejects scenarios that cannot prove anything: a spike that does not exceed
 * the limit, steady traffic that would itself be throttled, or a hit-rate target that even a
 * perfect cache cannot reach with the configured traffic.
 * @param {unknown} raw the parsed JSON, not yet trusted
 * @returns {string[]}
 */
export function validateScenarioFile(raw) {
  /** @type {string[]} */
  const errors = [];
  /** @param {string} path @param {string} message */
  const fail = (path, message) => errors.push(`${path}: ${message}`);
  if (!isObject(raw)) return ['(root): must be a JSON object'];

  if (typeof raw.baseUrl !== 'string' || !/^https?:\/\/[^\s]+$/.test(raw.baseUrl)) {
    fail('baseUrl', 'must be an http(s) URL');
  }
  if (!isText(raw.queryTemplate) || !raw.queryTemplate.includes('{rank}')) {
    fail('queryTemplate', 'must be a string containing {rank} (and usually {runId})');
  }

  const jwt = raw.jwt;
  if (!isObject(jwt)) {
    fail('jwt', 'must be an object');
  } else {
    for (const key of ['issuer', 'audience', 'tenantClaim', 'adminScope', 'subjectPrefix', 'adminSubject']) {
      if (!isText(jwt[key])) fail(`jwt.${key}`, 'must be a non-empty string');
    }
    if (typeof jwt.signingKey !== 'string') fail('jwt.signingKey', 'must be a string ("" = tokens come from TOKEN_* env)');
    if (!isPosInt(jwt.lifetimeSeconds)) fail('jwt.lifetimeSeconds', 'must be a positive integer');
    if (jwt.notBeforeSkewSeconds !== undefined && !isNonNegInt(jwt.notBeforeSkewSeconds)) {
      fail('jwt.notBeforeSkewSeconds', 'must be a non-negative integer');
    }
    if (jwt.adminTenantId !== undefined && typeof jwt.adminTenantId !== 'string') {
      fail('jwt.adminTenantId', 'must be a string when present');
    }
  }

  const tiers = isObject(raw.tiers) ? raw.tiers : null;
  if (!tiers || Object.keys(tiers).length === 0) {
    fail('tiers', 'must be a non-empty object');
  } else {
    for (const [name, tier] of Object.entries(tiers)) {
      if (name.startsWith('_')) continue;
      if (!ID_PATTERN.test(name)) fail(`tiers.${name}`, `name must match ${ID_PATTERN}`);
      if (!isObject(tier)) {
        fail(`tiers.${name}`, 'must be an object');
        continue;
      }
      if (!isPosInt(tier.timeoutMs)) fail(`tiers.${name}.timeoutMs`, 'must be a positive integer');
      if (!isPosNum(tier.maxQps)) fail(`tiers.${name}.maxQps`, 'must be a positive number');
    }
  }

  const tenants = Array.isArray(raw.tenants) ? raw.tenants : null;
  /** @type {Map<string, Record<string, any>>} */
  const tenantById = new Map();
  if (!tenants || tenants.length < 2) {
    fail('tenants', 'must be an array with at least two tenants (one to disturb, one to observe)');
  } else {
    tenants.forEach((tenant, i) => {
      const path = `tenants[${i}]`;
      if (!isObject(tenant)) {
        fail(path, 'must be an object');
        return;
      }
      if (typeof tenant.id !== 'string' || !ID_PATTERN.test(tenant.id)) fail(`${path}.id`, `must match ${ID_PATTERN}`);
      else if (tenantById.has(tenant.id)) fail(`${path}.id`, `duplicate tenant id "${tenant.id}"`);
      else tenantById.set(tenant.id, tenant);
      if (!tiers || !isObject(tiers[tenant.tier])) fail(`${path}.tier`, `unknown tier "${tenant.tier}"`);
      if (!isPosNum(tenant.rate)) fail(`${path}.rate`, 'must be a positive number (requests/s)');
      else if (tiers && isObject(tiers[tenant.tier]) && tenant.rate >= tiers[tenant.tier].maxQps) {
        fail(`${path}.rate`, `steady rate ${tenant.rate}/s must stay below the tier's maxQps ${tiers[tenant.tier].maxQps}`);
      }
    });
  }

  const scenarios = isObject(raw.scenarios) ? raw.scenarios : null;
  if (!scenarios) {
    fail('scenarios', 'must be an object');
    return errors;
  }
  for (const name of SCENARIO_NAMES) {
    if (!isObject(scenarios[name])) fail(`scenarios.${name}`, 'is missing');
  }
  /** @param {string} path @param {unknown} id */
  const tenantExists = (path, id) => {
    const known = typeof id === 'string' && tenantById.has(id);
    if (!known) fail(path, `"${id}" is not in tenants`);
    return known;
  };
  /** @param {string} name @param {Record<string, any>} sc @param {{ needsWarmup: boolean }} opts */
  const checkCommon = (name, sc, { needsWarmup }) => {
    const path = `scenarios.${name}`;
    if (!isPosInt(sc.durationSeconds)) fail(`${path}.durationSeconds`, 'must be a positive integer');
    if (needsWarmup || sc.warmupSeconds !== undefined) {
      if (!isNonNegInt(sc.warmupSeconds)) fail(`${path}.warmupSeconds`, 'must be a non-negative integer');
      else if (isPosInt(sc.durationSeconds) && sc.warmupSeconds >= sc.durationSeconds) {
        fail(`${path}.warmupSeconds`, 'must be shorter than durationSeconds');
      }
    }
    if (!QUERY_MODES.includes(sc.queryMode)) fail(`${path}.queryMode`, `must be one of ${QUERY_MODES.join(', ')}`);
    if (sc.queryMode === 'zipf') {
      if (!isPosInt(sc.distinctQueries)) fail(`${path}.distinctQueries`, 'must be a positive integer');
      if (!isPosNum(sc.zipfExponent)) fail(`${path}.zipfExponent`, 'must be a positive number');
    }
  };
  /**
   * @param {string} name
   * @param {Record<string, any>} sc
   * @param {Record<string, any>[]} candidates tenants
   * @param {number} warmupSeconds
   * @param {number} measureSeconds
   */
  const checkFeasible = (name, sc, candidates, warmupSeconds, measureSeconds) => {
    if (!(isPosInt(sc.distinctQueries) && isPosNum(sc.zipfExponent) && isFraction(sc.minHitRate))) return;
    for (const tenant of candidates) {
      if (!isPosNum(tenant.rate)) continue;
      const ideal = idealHitRate({
        distinctQueries: sc.distinctQueries,
        exponent: sc.zipfExponent,
        ratePerSecond: tenant.rate,
        warmupSeconds,
        measureSeconds,
      });
      if (ideal < sc.minHitRate + FEASIBILITY_MARGIN) {
        fail(
          `scenarios.${name}`,
          `tenant ${tenant.id} at ${tenant.rate}/s reaches at most ${ideal.toFixed(3)} hit rate with a perfect cache; ` +
            `minHitRate ${sc.minHitRate} needs >= ${(sc.minHitRate + FEASIBILITY_MARGIN).toFixed(3)} ` +
            '(raise the rate or warm-up, or lower distinctQueries)',
        );
      }
    }
  };

  const iso = scenarios.isolation;
  if (isObject(iso)) {
    const path = 'scenarios.isolation';
    checkCommon('isolation', iso, { needsWarmup: true });
    const spiker = tenantExists(`${path}.spikeTenant`, iso.spikeTenant) ? tenantById.get(iso.spikeTenant) : null;
    if (!isNonNegInt(iso.spikeStartSeconds)) fail(`${path}.spikeStartSeconds`, 'must be a non-negative integer');
    else if (isNonNegInt(iso.warmupSeconds) && iso.spikeStartSeconds <= iso.warmupSeconds) {
      fail(`${path}.spikeStartSeconds`, 'must come after warmupSeconds so a baseline window exists');
    }
    if (!isPosInt(iso.spikeDurationSeconds)) fail(`${path}.spikeDurationSeconds`, 'must be a positive integer');
    else if (isPosInt(iso.durationSeconds) && isNonNegInt(iso.spikeStartSeconds) &&
      iso.spikeStartSeconds + iso.spikeDurationSeconds > iso.durationSeconds) {
      fail(`${path}.spikeDurationSeconds`, 'spike must end within durationSeconds');
    }
    if (!isPosNum(iso.spikeLimitQps)) fail(`${path}.spikeLimitQps`, 'must be a positive number');
    else if (spiker && isPosNum(spiker.rate) && spiker.rate >= iso.spikeLimitQps) {
      fail(`${path}.spikeLimitQps`, `must exceed the spike tenant's steady rate ${spiker.rate}/s`);
    }
    if (!(typeof iso.spikeMultiplier === 'number' && iso.spikeMultiplier > 1)) {
      fail(`${path}.spikeMultiplier`, 'must be a number > 1 (the spike has to exceed the limit)');
    }
    const th = iso.thresholds;
    if (!isObject(th)) fail(`${path}.thresholds`, 'must be an object');
    else {
      if (!isPosNum(th.victimP95IncreasePct)) fail(`${path}.thresholds.victimP95IncreasePct`, 'must be a positive number');
      if (!(typeof th.victimErrorRate === 'number' && th.victimErrorRate >= 0 && th.victimErrorRate < 1)) {
        fail(`${path}.thresholds.victimErrorRate`, 'must be in [0, 1)');
      }
    }
  }

  const sla = scenarios.sla;
  if (isObject(sla)) {
    checkCommon('sla', sla, { needsWarmup: false });
    if (!(typeof sla.compliance === 'number' && sla.compliance > 0 && sla.compliance <= 1)) {
      fail('scenarios.sla.compliance', 'must be in (0, 1]');
    }
    if (!isNonNegInt(sla.hardTimeoutGraceMs)) fail('scenarios.sla.hardTimeoutGraceMs', 'must be a non-negative integer');
  }

  const cache = scenarios.cache;
  if (isObject(cache)) {
    checkCommon('cache', cache, { needsWarmup: true });
    if (cache.queryMode !== 'zipf') fail('scenarios.cache.queryMode', 'must be "zipf" (hit rate needs repeated queries)');
    if (!isFraction(cache.minHitRate)) fail('scenarios.cache.minHitRate', 'must be in (0, 1)');
    if (isPosInt(cache.durationSeconds) && isNonNegInt(cache.warmupSeconds) && cache.warmupSeconds < cache.durationSeconds) {
      checkFeasible('cache', cache, [...tenantById.values()], cache.warmupSeconds, cache.durationSeconds - cache.warmupSeconds);
    }
  }

  const inv = scenarios.invalidation;
  if (isObject(inv)) {
    const path = 'scenarios.invalidation';
    checkCommon('invalidation', inv, { needsWarmup: false });
    if (inv.queryMode !== 'zipf') fail(`${path}.queryMode`, 'must be "zipf" (hit rate needs repeated queries)');
    tenantExists(`${path}.invalidateTenant`, inv.invalidateTenant);
    if (tenantById.size < 2) fail(`${path}.invalidateTenant`, 'needs at least one other tenant to observe');
    if (!isPosInt(inv.invalidateAtSeconds)) fail(`${path}.invalidateAtSeconds`, 'must be a positive integer');
    else if (isPosInt(inv.durationSeconds) && inv.invalidateAtSeconds >= inv.durationSeconds) {
      fail(`${path}.invalidateAtSeconds`, 'must be before durationSeconds');
    }
    if (!isFraction(inv.minHitRate)) fail(`${path}.minHitRate`, 'must be in (0, 1)');
    if (!isPosInt(inv.probeQueries)) fail(`${path}.probeQueries`, 'must be a positive integer');
    if (isPosInt(inv.invalidateAtSeconds) && isPosInt(inv.durationSeconds) && inv.invalidateAtSeconds < inv.durationSeconds) {
      const others = [...tenantById.values()].filter((t) => t.id !== inv.invalidateTenant);
      checkFeasible('invalidation', inv, others, inv.invalidateAtSeconds, inv.durationSeconds - inv.invalidateAtSeconds);
    }
  }
  return errors;
}
