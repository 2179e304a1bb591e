// Loads loadtests/scenarios.json (the file the C# load driver reads too) in k6's init context and
// applies env overrides. Requires k6 >= v0.53 for import.meta.resolve: k6's open() resolves
// relative paths against the importing script, not this module, so paths are made absolute here.

import { resolveConfig } from './config-core.js';

/** @import { Config, Env, ScenarioName } from './types.js' */

const DEFAULT_SCENARIO_FILE = import.meta.resolve('../../scenarios.json');

/**
 * SCENARIO_FILE: absolute, file:// URL, or relative to the current directory ($PWD).
 * @param {Env} env
 * @returns {string}
 */
function scenarioFileUrl(env) {
  const path = env.SCENARIO_FILE;
  if (!path) return DEFAULT_SCENARIO_FILE;
  if (path.startsWith('file://') || path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  if (env.PWD) return `${env.PWD.replace(/\/+$/, '')}/${path}`;
  return import.meta.resolve(`../../../${path}`); // no $PWD (e.g. --include-system-env-vars=false): repo root
}

/**
 * Call from a script's init context (top level): open() is only available there.
 * @template {ScenarioName} N
 * @param {N} scenarioName
 * @returns {Config<N>}
 */
export function loadConfig(scenarioName) {
  const url = scenarioFileUrl(__ENV);
  let raw;
  try {
    raw = JSON.parse(open(url));
  } catch (e) {
    const message = e && typeof e === 'object' && 'message' in e ? e.message : undefined;
    throw new Error(`cannot read scenario file ${url}: ${message || e}`);
  }
  return resolveConfig(raw, __ENV, scenarioName);
}
