// An in-memory stand-in for the gateway, answering the k6 stub's requests in virtual time.
// It exists to prove the k6 scripts' thresholds: with mode "good" it behaves as SPEC §3/§4 say
// and every threshold must pass; each other mode breaks one guarantee and the matching threshold
// must fail. It is not a model of the real gateway's performance.
//
// Modes: good | noisy-neighbour (no per-tenant limit, spike degrades everyone) | no-timeout (slow
// backend tail not cut) | no-cache | shared-namespace (cache key ignores tenant) |
// global-flush (invalidation clears every tenant) | no-authz (any tenant may invalidate any tenant)

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRng } from '../lib/zipf.js';

export const MODES = ['good', 'noisy-neighbour', 'no-timeout', 'no-cache', 'shared-namespace', 'global-flush', 'no-authz'];

const json = (status, obj, extraHeaders = {}) => ({
  status,
  headers: { 'Content-Type': status < 400 ? 'application/json' : 'application/problem+json', ...extraHeaders },
  body: JSON.stringify(obj),
});
const problem = (status, type, detail, extra = {}) => json(status, { type, title: type, status, detail, ...extra });

export function createFakeGateway({ raw, mode, signingKey, nowMs }) {
  if (!MODES.includes(mode)) throw new Error(`unknown mode ${mode}`);
  const rng = createRng(42);
  const tenants = new Map(raw.tenants.map((t) => [t.id, t]));
  const spike = raw.scenarios.isolation;
  const cache = new Map(); // key -> { tenant_id, answer }
  const generation = {};
  const stats = {};
  const buckets = {};
  const spikeAdmitted = []; // virtual ms of the spike tenant's admitted backend calls
  const stat = (id) => (stats[id] = stats[id] || { hits: 0, misses: 0 });

  function verify(headers) {
    const auth = headers.Authorization || headers.authorization || '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const expected = createHmac('sha256', Buffer.from(signingKey, 'utf8')).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const now = nowMs() / 1000;
    if (header.alg !== 'HS256' || claims.iss !== raw.jwt.issuer || claims.aud !== raw.jwt.audience) return null;
    if (!(claims.exp > now) || !(claims.nbf <= now + 5)) return null;
    return claims;
  }

  function admit(tenantId) {
    if (mode === 'noisy-neighbour') return true;
    const tier = raw.tiers[tenants.get(tenantId).tier];
    const limit = tenantId === spike.spikeTenant ? spike.spikeLimitQps : tier.maxQps;
    const now = nowMs() / 1000;
    const b = (buckets[tenantId] = buckets[tenantId] || { tokens: limit, at: now });
    b.tokens = Math.min(limit, b.tokens + (now - b.at) * limit);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  function backendLatency(tenantId) {
    const now = nowMs();
    while (spikeAdmitted.length && spikeAdmitted[0] < now - 1000) spikeAdmitted.shift();
    if (tenantId === spike.spikeTenant) spikeAdmitted.push(now);
    let ms = 25 + -Math.log(1 - rng()) * 15; // 25 ms + exponential(mean 15 ms)
    const tailProbability = mode === 'no-timeout' ? 0.02 : 0.0005;
    if (rng() < tailProbability) ms = 3000;
    // Without per-tenant limits, a spike saturates the shared backend for everyone.
    const saturated = mode === 'noisy-neighbour' && spikeAdmitted.length > 2 * spike.spikeLimitQps;
    if (saturated) ms += 120;
    return { ms, shed: saturated && rng() < 0.05 };
  }

  function query(req) {
    const claims = verify(req.headers);
    if (!claims) return { ...problem(401, 'unauthorized', 'invalid token'), durationMs: 1 };
    const tenantId = claims[raw.jwt.tenantClaim];
    const tenant = tenants.get(tenantId);
    if (!tenant) return { ...problem(403, 'unknown-tenant', 'tenant not configured'), durationMs: 1 };
    const budget = raw.tiers[tenant.tier].timeoutMs;
    if (!admit(tenantId)) {
      const limit = tenantId === spike.spikeTenant ? spike.spikeLimitQps : raw.tiers[tenant.tier].maxQps;
      return {
        ...problem(429, 'rate-limited', 'tenant over its QPS limit', { tenant: tenantId, tier: tenant.tier }, ),
        headers: {
          'Content-Type': 'application/problem+json',
          'Retry-After': '1',
          'RateLimit-Policy': `${limit};w=1`,
          RateLimit: 'limit=' + limit + ', remaining=0, reset=1',
        },
        durationMs: 1.5,
      };
    }
    const q = JSON.parse(req.body).query;
    const key = mode === 'shared-namespace' ? q : `${tenantId}:${generation[tenantId] || 0}:${q}`;
    const cached = mode === 'no-cache' ? undefined : cache.get(key);
    if (cached) {
      stat(tenantId).hits++;
      return { ...json(200, { ...cached, query: q }, { 'X-Cache': 'HIT', Age: '1' }), durationMs: 2 + rng() };
    }
    stat(tenantId).misses++;
    const { ms, shed } = backendLatency(tenantId);
    if (shed) return { ...problem(503, 'shed', 'fair queue full', { tenant: tenantId }), durationMs: 5 };
    const enforce = mode !== 'no-timeout';
    if (enforce && ms > budget) {
      return { ...problem(504, 'tier-timeout', `tier ${tenant.tier} budget ${budget} ms exceeded`, { tenant: tenantId, tier: tenant.tier }), durationMs: budget + 1 };
    }
    const answer = { tenant_id: tenantId, tier: tenant.tier, answer: `answer for ${tenantId}` };
    cache.set(key, answer);
    return { ...json(200, { ...answer, query: q }, { 'X-Cache': 'MISS' }), durationMs: ms + 2 };
  }

  function authorizeAdmin(req, tenantId) {
    const claims = verify(req.headers);
    if (!claims) return 401;
    const scopes = String(claims.scope || '').split(' ');
    if (scopes.includes(raw.jwt.adminScope)) return 0;
    if (mode === 'no-authz' || claims[raw.jwt.tenantClaim] === tenantId) return 0;
    return 403;
  }

  function invalidate(req) {
    const tenantId = JSON.parse(req.body).tenant_id;
    const denied = authorizeAdmin(req, tenantId);
    if (denied) return { ...problem(denied, 'forbidden', 'not allowed'), durationMs: 1 };
    const victims = mode === 'global-flush' ? [...tenants.keys()] : [tenantId];
    let deleted = 0;
    for (const id of victims) {
      const prefix = `${id}:${generation[id] || 0}:`;
      for (const k of cache.keys()) if (k.startsWith(prefix)) deleted++;
      generation[id] = (generation[id] || 0) + 1;
    }
    return { ...json(200, { tenant_id: tenantId, deleted_keys: deleted, message: 'generation bumped' }), durationMs: 3 };
  }

  function metrics(req, tenantId) {
    const denied = authorizeAdmin(req, tenantId);
    if (denied) return { ...problem(denied, 'forbidden', 'not allowed'), durationMs: 1 };
    const s = stat(tenantId);
    const total = s.hits + s.misses;
    return {
      ...json(200, {
        tenant_id: tenantId, hits: s.hits, misses: s.misses, hit_rate: total ? s.hits / total : 0,
        size_bytes: 0, key_count: 0, quota_bytes: 40 * 1024 ** 3,
      }),
      durationMs: 2,
    };
  }

  return function handle(req) {
    const path = new URL(req.url).pathname;
    if (req.method === 'POST' && path === '/query') return query(req);
    if (req.method === 'POST' && path === '/admin/cache/invalidate') return invalidate(req);
    const m = /^\/admin\/cache\/metrics\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && m) return metrics(req, decodeURIComponent(m[1]));
    return { ...problem(404, 'not-found', path), durationMs: 1 };
  };
}
