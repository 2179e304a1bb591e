// Zipf query sampler and the arithmetic behind the cache scenario's hit-rate target.
// Pure JavaScript on purpose: no k6 import, so node runs the same code in test/selftest.mjs.

/**
 * FNV-1a 32-bit hash of a string; used to derive per-VU seeds that stay stable across runs.
 * @param {string} text
 * @returns {number}
 */
export function hashString(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * mulberry32: a tiny seeded PRNG returning floats in [0, 1). Math.random cannot be seeded.
 * @param {number} seed
 * @returns {() => number}
 */
export function createRng(seed) {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * P(rank = k) for k = 1..n under Zipf(n, exponent): k^-s / H(n, s). Index 0 holds rank 1.
 * @param {number} n
 * @param {number} exponent
 * @returns {number[]}
 */
export function zipfProbabilities(n, exponent) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`zipf: n must be a positive integer, got ${n}`);
  if (!(exponent > 0)) throw new Error(`zipf: exponent must be > 0, got ${exponent}`);
  const weights = new Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) {
    weights[k - 1] = Math.pow(k, -exponent);
    total += weights[k - 1];
  }
  return weights.map((w) => w / total);
}

/**
 * Draws ranks 1..n with Zipf probabilities. The CDF is built once; each draw is a binary search.
 * Deterministic for a given rng, which callers seed per VU and tenant.
 */
export class ZipfSampler {
  /**
   * @param {number} n
   * @param {number} exponent
   * @param {() => number} rng uniform in [0, 1)
   */
  constructor(n, exponent, rng) {
    this.n = n;
    this.rng = rng;
    const probabilities = zipfProbabilities(n, exponent);
    this.cdf = new Float64Array(n);
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += probabilities[i];
      this.cdf[i] = running;
    }
    this.cdf[n - 1] = 1; // absorb floating-point drift so every draw lands on a rank
  }

  /** Returns a rank in 1..n. */
  next() {
    const u = this.rng();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo + 1;
  }
}

/**
 * A sampler seeded from (tenant, VU id, salt): the same VU draws the same sequence every run.
 * @param {{ n: number, exponent: number, tenant: string, vuId: number, salt?: string }} spec
 * @returns {ZipfSampler}
 */
export function samplerFor({ n, exponent, tenant, vuId, salt = '' }) {
  return new ZipfSampler(n, exponent, createRng(hashString(`${salt}|${tenant}|${vuId}`)));
}

/**
 * Expected number of distinct ranks seen after `requests` independent draws.
 * @param {number[]} probabilities
 * @param {number} requests
 * @returns {number}
 */
export function expectedDistinct(probabilities, requests) {
  let distinct = 0;
  for (const p of probabilities) distinct += 1 - Math.pow(1 - p, requests);
  return distinct;
}

/**
 * Hit rate a perfect per-tenant cache (no eviction, TTL longer than the run) would reach in the
 * measurement window: every first sighting of a query is a miss, every repeat a hit. If this is
 * below the scenario's threshold, no gateway can pass it, so check.sh rejects such a scenario.
 * @param {{ distinctQueries: number, exponent: number, ratePerSecond: number, warmupSeconds: number, measureSeconds: number }} window
 * @returns {number}
 */
export function idealHitRate({ distinctQueries, exponent, ratePerSecond, warmupSeconds, measureSeconds }) {
  const probabilities = zipfProbabilities(distinctQueries, exponent);
  const before = Math.round(ratePerSecond * warmupSeconds);
  const during = Math.round(ratePerSecond * measureSeconds);
  if (during <= 0) return 0;
  const newInWindow = expectedDistinct(probabilities, before + during) - expectedDistinct(probabilities, before);
  return 1 - newInWindow / during;
}
