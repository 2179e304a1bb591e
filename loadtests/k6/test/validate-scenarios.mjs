// Validates a scenarios.json with the same rules the k6 scripts apply at init (scenario-file.js).
// usage: node --import ./k6-shim/register.mjs validate-scenarios.mjs [path/to/scenarios.json]

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FEASIBILITY_MARGIN, validateScenarioFile } from '../lib/scenario-file.js';
import { idealHitRate } from '../lib/zipf.js';

const file = resolve(process.argv[2] || new URL('../../scenarios.json', import.meta.url).pathname);
let raw;
try {
  raw = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`${file}: not readable JSON: ${e.message}`);
  process.exit(1);
}
const errors = validateScenarioFile(raw);
if (errors.length) {
  console.error(`${file}: ${errors.length} problem(s):\n  - ${errors.join('\n  - ')}`);
  process.exit(1);
}

const total = raw.tenants.reduce((a, t) => a + t.rate, 0);
const iso = raw.scenarios.isolation;
const cache = raw.scenarios.cache;
const worst = Math.min(...raw.tenants.map((t) => idealHitRate({
  distinctQueries: cache.distinctQueries, exponent: cache.zipfExponent, ratePerSecond: t.rate,
  warmupSeconds: cache.warmupSeconds, measureSeconds: cache.durationSeconds - cache.warmupSeconds,
})));
console.log(`${file}: valid`);
console.log(`  ${raw.tenants.length} tenants (${[...new Set(raw.tenants.map((t) => t.tier))].join(', ')}), ${total} req/s steady`);
console.log(`  isolation: ${iso.spikeTenant} bursts to ${iso.spikeMultiplier * iso.spikeLimitQps} req/s against a ${iso.spikeLimitQps} QPS limit ` +
  `for ${iso.spikeDurationSeconds}s from ${iso.spikeStartSeconds}s`);
console.log(`  cache: lowest perfect-cache hit rate ${worst.toFixed(3)} vs target ${cache.minHitRate} (+${FEASIBILITY_MARGIN} margin)`);
console.log(`  invalidation: ${raw.scenarios.invalidation.invalidateTenant} at ${raw.scenarios.invalidation.invalidateAtSeconds}s`);
