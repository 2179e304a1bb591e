// k6/http stub: hands each request to state.http (the fake gateway) and records the built-in
// http_* metrics with k6's tagging (params.tags, status, expected_response).
import { record, state } from '../runtime.mjs';

const DEFAULT_EXPECTED = { statuses: [], ranges: [{ min: 200, max: 399 }] };

export function expectedStatuses(...args) {
  const cb = { statuses: [], ranges: [] };
  for (const a of args) {
    if (typeof a === 'number') cb.statuses.push(a);
    else if (a && typeof a.min === 'number' && typeof a.max === 'number') cb.ranges.push(a);
    else throw new Error(`expectedStatuses: bad argument ${JSON.stringify(a)}`);
  }
  cb.__expected = true;
  return cb;
}

const isExpected = (cb, status) => cb.statuses.includes(status) || cb.ranges.some((r) => status >= r.min && status <= r.max);

function request(method, url, body, params = {}) {
  if (state.inInit) throw new Error(`http.${method.toLowerCase()} called in the init context`);
  if (!state.http) throw new Error('no HTTP handler installed');
  if (params.responseCallback && !params.responseCallback.__expected) throw new Error('responseCallback must come from http.expectedStatuses');
  for (const [k, v] of Object.entries(params.headers || {})) {
    if (typeof v !== 'string') throw new Error(`header ${k} must be a string`);
  }
  const res = state.http({ method, url, body, headers: params.headers || {}, tags: params.tags || {} });
  const expected = isExpected(params.responseCallback || DEFAULT_EXPECTED, res.status);
  const tags = { ...(params.tags || {}), method, url, status: String(res.status), expected_response: String(expected) };
  record('http_reqs', 1, tags);
  record('http_req_duration', res.durationMs, tags);
  record('http_req_failed', !expected, tags);
  return {
    status: res.status,
    headers: res.headers,
    body: res.body,
    timings: { duration: res.durationMs },
    json() {
      return JSON.parse(res.body);
    },
  };
}

export const post = (url, body, params) => request('POST', url, body, params);
export const get = (url, params) => request('GET', url, null, params);
export default { post, get, expectedStatuses };
