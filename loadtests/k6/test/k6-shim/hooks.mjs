// Module-resolution hooks for running k6 scripts under node (dry run and self-tests only).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const STUBS = new URL('./stubs/', import.meta.url);
const K6_ROOT = new URL('../../', import.meta.url).href; // loadtests/k6/

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    const name = specifier === 'k6' ? 'k6' : `k6_${specifier.slice(3).replace(/\//g, '_')}`;
    return { url: new URL(`${name}.mjs`, STUBS).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith(K6_ROOT) && url.endsWith('.js')) {
    return { format: 'module', source: await readFile(fileURLToPath(url), 'utf8'), shortCircuit: true };
  }
  return nextLoad(url, context);
}
