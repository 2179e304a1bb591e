// How scenarios.json rates and windows become k6 scenarios: arrival rates, VU budgets, phases.
// Pure JavaScript (no k6 import; the k6 types below are for the type-check only).

/** @import { ConstantArrivalRateScenario, Scenario } from 'k6/options' */
/** @import { Tenant } from './types.js' */

/** Lower bound on client-side in-flight time beyond the tier budget (network, TLS, queueing). */
const LATENCY_ALLOWANCE_MS = 300;


/**
 * k6 arrival rates are integers per timeUnit; express fractional req/s exactly where possible.
 * @param {number} ratePerSecond
 * @returns {{ rate: number, timeUnit: string }}
 */
export function arrival(ratePerSecond) {
  if (!(ratePerSecond > 0)) throw new Error(`rate must be > 0, got ${ratePerSecond}`);
  for (const unit of [1, 10, 100, 1000]) {
    const scaled = ratePerSecond * unit;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 && Math.round(scaled) >= 1) {
      return { rate: Math.round(scaled), timeUnit: `${unit}s` };
    }
  }
  return { rate: Math.max(1, Math.round(ratePerSecond * 1000)), timeUnit: '1000s' };
}

/**
 * VUs for a constant-arrival-rate scenario by Little's law: in flight = rate x latency. Latency is
 * bounded by the tier's hard timeout (plus network allowance); maxVUs doubles that for slack.
 * If k6 still runs out, dropped_iterations records it and a threshold fails the run.
 * @param {number} ratePerSecond
 * @param {number} timeoutMs
 * @returns {{ preAllocatedVUs: number, maxVUs: number }}
 */
export function vuBudget(ratePerSecond, timeoutMs) {
  const inFlight = (ratePerSecond * (timeoutMs + LATENCY_ALLOWANCE_MS)) / 1000;
  const preAllocatedVUs = Math.max(2, Math.ceil(inFlight));
  const maxVUs = Math.max(preAllocatedVUs + 5, Math.ceil(inFlight * 2));
  return { preAllocatedVUs, maxVUs };
}

/**
 * One constant-arrival-rate scenario for one tenant and role. The tenant and the scenario's
 * start offset travel in the scenario env, so an exec function knows whom it drives and where
 * on the test timeline it is.
 * @param {{ exec: string, tenant: Tenant, role: string, ratePerSecond: number, durationSeconds: number,
 *   startSeconds?: number }} spec
 * @returns {ConstantArrivalRateScenario}
 */
export function arrivalScenario({ exec, tenant, role, ratePerSecond, durationSeconds, startSeconds = 0 }) {
  const { rate, timeUnit } = arrival(ratePerSecond);
  const { preAllocatedVUs, maxVUs } = vuBudget(ratePerSecond, tenant.timeoutMs);
  return {
    executor: 'constant-arrival-rate',
    exec,
    rate,
    timeUnit,
    duration: `${durationSeconds}s`,
    startTime: `${startSeconds}s`,
    preAllocatedVUs,
    maxVUs,
    gracefulStop: '10s',
    tags: { tenant: tenant.id, tier: tenant.tier, role },
    env: { SCENARIO_TENANT: tenant.id, SCENARIO_OFFSET_S: String(startSeconds) },
  };
}

/**
 * Iterations the arrival-rate scenarios will start; sizes the dropped_iterations allowance.
 * @param {Record<string, Scenario>} scenarios
 * @returns {number}
 */
export function plannedIterations(scenarios) {
  let total = 0;
  for (const sc of Object.values(scenarios)) {
    if (sc.executor === 'constant-arrival-rate') {
      total += (sc.rate / parseInt(sc.timeUnit ?? '1s', 10)) * parseInt(sc.duration, 10); // k6's default timeUnit is 1s
    } else if (sc.executor === 'shared-iterations') {
      total += sc.iterations || 1;
    }
  }
  return Math.round(total);
}

/**
 * phases: [[name, startSeconds], ...] ascending; returns the name whose window holds `elapsed`.
 * @param {number} elapsedSeconds
 * @param {Array<[string, number]>} phases
 * @returns {string}
 */
export function phaseAt(elapsedSeconds, phases) {
  let current = phases[0][0];
  for (const [name, start] of phases) {
    if (elapsedSeconds >= start) current = name;
  }
  return current;
}
