// Sends gateway requests and records the rag_* metrics every script judges.
// Every request and sample is tagged tenant / tier / role / phase, so thresholds can select e.g.
// rag_latency{tenant:t02,phase:spike}.

import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import { tenantToken } from './auth.js';
import { queryText } from './config-core.js';
import { METRIC } from './thresholds.js';
import { samplerFor } from './zipf.js';

/** @import { Params, Response } from 'k6/http' */
/** @import { Config, Tenant } from './types.js' */
/** @import { ZipfSampler } from './zipf.js' */

const latency = new Trend(METRIC.latency, true);
const cacheHit = new Rate(METRIC.cacheHit);
const withinSla = new Rate(METRIC.withinSla);
const error = new Rate(METRIC.error);
const throttled = new Counter(METRIC.throttled);
const shed = new Counter(METRIC.shed);
const timedOut = new Counter(METRIC.timedOut);
const mismatch = new Counter(METRIC.mismatch);
const limitHeaders = new Rate(METRIC.limitHeaders);

/** Expected statuses for traffic that is supposed to be throttled (keeps http_req_failed honest). */
const THROTTLE_EXPECTED = http.expectedStatuses({ min: 200, max: 299 }, 429);

/**
 * Case-insensitive header lookup (k6 canonicalises names: RateLimit-Policy -> Ratelimit-Policy).
 * @param {Response | null | undefined} res
 * @param {string} name
 * @returns {string | undefined}
 */
export function header(res, name) {
  if (!res || !res.headers) return undefined;
  const wanted = name.toLowerCase();
  for (const key of Object.keys(res.headers)) {
    if (key.toLowerCase() === wanted) return res.headers[key];
  }
  return undefined;
}

/**
 * The tenant this scenario drives (set per scenario through its env by arrivalScenario).
 * @param {Config} cfg
 * @returns {Tenant}
 */
export function currentTenant(cfg) {
  const id = __ENV.SCENARIO_TENANT;
  const tenant = cfg.tenants.find((t) => t.id === id);
  if (!tenant) throw new Error(`scenario ${exec.scenario.name} has no known SCENARIO_TENANT`);
  return tenant;
}

/**
 * Seconds since the test's scenarios started (the timeline scenarios.json speaks in).
 * @returns {number}
 */
export function elapsedSeconds() {
  const offset = Number(__ENV.SCENARIO_OFFSET_S || 0);
  return (Date.now() - exec.scenario.startTime) / 1000 + offset;
}

/** @type {Record<string, ZipfSampler>} */
const samplers = {}; // per VU (each VU is its own JS runtime) and tenant

/**
 * Next query text for a tenant. zipf: ranks from a sampler seeded by tenant + VU, so the same VU
 * replays the same sequence; unique: a never-repeating rank, so every admitted request reaches
 * the backend. The text is identical across tenants for the same rank: a cache namespace leak
 * would hand one tenant another's answer, which rag_tenant_mismatch counts.
 * @param {Config} cfg
 * @param {Tenant} tenant
 * @param {string} runId
 * @returns {string}
 */
export function nextQuery(cfg, tenant, runId) {
  const sc = cfg.scenario;
  if (sc.queryMode === 'unique') {
    return queryText(cfg.queryTemplate, runId, `u-${exec.scenario.name}-${exec.scenario.iterationInTest}`);
  }
  let sampler = samplers[tenant.id];
  if (!sampler) {
    sampler = samplerFor({
      n: sc.distinctQueries,
      exponent: sc.zipfExponent,
      tenant: tenant.id,
      vuId: exec.vu.idInTest,
      salt: cfg.scenarioName,
    });
    samplers[tenant.id] = sampler;
  }
  return queryText(cfg.queryTemplate, runId, sampler.next());
}

/**
 * The response body as a JSON object, or null (no body, binary body, not JSON, or JSON that is not an object).
 * @param {Response} res
 * @returns {Record<string, unknown> | null}
 */
function parseJson(res) {
  if (typeof res.body !== 'string') return null;
  try {
    const parsed = JSON.parse(res.body);
    return parsed !== null && typeof parsed === 'object' ? parsed : null;
  } catch (_) {
    return null;
  }
}

/**
 * POST /query for one tenant and record the outcome.
 * opts: { tenant, role, phase, query, expectThrottle }
 * Returns { status, durationMs, cache, body } (body parsed JSON or null).
 * @param {Config} cfg
 * @param {{ tenant: Tenant, role: string, phase: string, query: string, expectThrottle?: boolean }} request
 * @returns {{ status: number, durationMs: number, cache: string | undefined, body: Record<string, unknown> | null }}
 */
export function sendQuery(cfg, { tenant, role, phase, query, expectThrottle = false }) {
  const tags = { tenant: tenant.id, tier: tenant.tier, role, phase };
  /** @type {Params} */
  const params = {
    headers: {
      Authorization: `Bearer ${tenantToken(cfg, tenant.id)}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    },
    tags: { ...tags, name: 'POST /query' },
    timeout: cfg.httpTimeout,
  };
  if (expectThrottle) params.responseCallback = THROTTLE_EXPECTED;
  const res = http.post(`${cfg.baseUrl}/query`, JSON.stringify({ query }), params);

  const status = res.status;
  const durationMs = res.timings.duration;
  const ok = status >= 200 && status < 300;
  latency.add(durationMs, tags);
  error.add(!ok, tags);
  withinSla.add(status === 200 && durationMs <= tenant.timeoutMs, tags);

  /** @type {string | undefined} */
  let cache;
  let body = null;
  if (status === 200) {
    cache = (header(res, 'X-Cache') || '').toUpperCase();
    if (cache) cacheHit.add(cache === 'HIT', tags);
    body = parseJson(res);
    const answeredFor = body && typeof body.tenant_id === 'string' ? body.tenant_id : undefined;
    mismatch.add(answeredFor !== undefined && answeredFor !== tenant.id ? 1 : 0, tags);
    check(res, {
      'answer is JSON with tenant_id': () => answeredFor !== undefined,
      'answer carries X-Cache': () => cache !== '',
    }, tags);
  } else if (status === 429) {
    throttled.add(1, tags);
    limitHeaders.add(
      Boolean(header(res, 'Retry-After') && header(res, 'RateLimit-Policy') && header(res, 'RateLimit')),
      tags,
    );
  } else if (status === 503) {
    shed.add(1, tags);
  } else if (status === 504) {
    timedOut.add(1, tags);
  }
  if (status >= 400) {
    check(res, {
      'error is application/problem+json': (r) => (header(r, 'Content-Type') || '').includes('application/problem+json'),
    }, tags);
  }
  return { status, durationMs, cache, body };
}

/**
 * POST /admin/cache/invalidate. Returns { status, body }.
 * @param {Config} cfg
 * @param {string} tenantId
 * @param {string} token
 * @param {Record<string, string>} tags
 */
export function invalidateCache(cfg, tenantId, token, tags) {
  const res = http.post(`${cfg.baseUrl}/admin/cache/invalidate`, JSON.stringify({ tenant_id: tenantId }), {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    tags: { ...tags, name: 'POST /admin/cache/invalidate' },
    timeout: cfg.httpTimeout,
    responseCallback: http.expectedStatuses(200, 401, 403),
  });
  return { status: res.status, body: res.status === 200 ? parseJson(res) : null };
}

/**
 * GET /admin/cache/metrics/{tenant}. Returns { status, body }.
 * @param {Config} cfg
 * @param {string} tenantId
 * @param {string} token
 * @param {Record<string, string>} tags
 */
export function cacheMetrics(cfg, tenantId, token, tags) {
  const res = http.get(`${cfg.baseUrl}/admin/cache/metrics/${encodeURIComponent(tenantId)}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    tags: { ...tags, name: 'GET /admin/cache/metrics/{tenant}' },
    timeout: cfg.httpTimeout,
  });
  return { status: res.status, body: res.status === 200 ? parseJson(res) : null };
}
