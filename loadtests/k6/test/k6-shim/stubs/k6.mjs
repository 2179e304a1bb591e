import { record, state } from '../runtime.mjs';

export function check(value, sets, tags) {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = Boolean(typeof fn === 'function' ? fn(value) : fn);
    record('checks', ok, { ...(tags || {}), check: name });
    all = all && ok;
  }
  return all;
}
export function sleep() {}
export function group(_name, fn) {
  return fn();
}
export function fail(message) {
  throw new Error(message);
}
export default { check, sleep, group, fail, state };
