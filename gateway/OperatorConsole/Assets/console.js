// Operator console of the tenant gateway. Plain JavaScript, no dependencies, no inline code (the page's CSP forbids it).
// Every figure comes from the admin API, called with the admin token kept in this tab's session storage.
'use strict';

(() => {
  const TOKEN_KEY = 'gatewayAdminToken';
  const REFRESH_MS = 2000;
  const SVG = 'http://www.w3.org/2000/svg';
  const api = (path) => new URL('../admin/' + path, document.baseURI).toString();

  const $ = (id) => document.getElementById(id);
  const state = {
    view: 'tenants',
    rows: [],
    sort: { key: 'tenant_id', dir: 1 },
    detail: null,
    timer: null,
    loading: false,
    again: false,
  };

  // ---------------------------------------------------------------- formatting (the tests read the same rules)
  const fmt = {
    qps: (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)),
    percent: (v) => (v === null || v === undefined ? '—' : (v * 100).toFixed(1) + '%'),
    ms: (v) => (v === null || v === undefined ? '—' : v.toFixed(1) + ' ms'),
    bytes: (v) => {
      if (v === null || v === undefined) return '—';
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let i = 0;
      while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
      return (i === 0 ? String(v) : v.toFixed(1)) + ' ' + units[i];
    },
    time: (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    dateTime: (iso) => new Date(iso).toLocaleString(),
  };

  // ---------------------------------------------------------------- admin API
  class ApiError extends Error {
    constructor(status, title, detail) {
      super(detail || title || ('HTTP ' + status));
      this.status = status;
      this.title = title;
      this.detail = detail;
    }
  }

  async function call(method, path, body) {
    const headers = { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(api(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    const type = response.headers.get('Content-Type') || '';
    const payload = type.includes('json') ? await response.json() : null;
    if (!response.ok) {
      throw new ApiError(response.status, payload && payload.title, payload && payload.detail);
    }
    return payload;
  }

  function describe(error) {
    if (error instanceof ApiError) {
      return (error.title ? error.title + ' (' + error.status + '): ' : 'HTTP ' + error.status + ': ') + (error.detail || '');
    }
    return 'The gateway could not be reached: ' + error.message;
  }

  // ---------------------------------------------------------------- token, alerts, views
  function showAlert(text) {
    const alert = $('alert');
    alert.textContent = text;
    alert.hidden = !text;
  }

  function refused(error) {
    // 401: the token is not accepted; 403: it is valid but not a platform admin token.
    if (error instanceof ApiError && error.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      signedOut('The token was refused: ' + (error.detail || 'unauthorized') + ' Paste a valid platform admin token.');
      return true;
    }
    if (error instanceof ApiError && error.status === 403) {
      sessionStorage.removeItem(TOKEN_KEY);
      signedOut('Needs platform admin: this token is valid but lacks the platform admin scope (gateway:admin). ' + (error.detail || ''));
      return true;
    }
    return false;
  }

  function signedOut(message) {
    stopLive();
    showAlert(message || '');
    for (const id of ['tenants-view', 'detail-view', 'config-view', 'nav', 'session']) $(id).hidden = true;
    $('login').hidden = false;
    $('token').value = '';
    $('token').focus();
  }

  function show(view) {
    state.view = view;
    $('login').hidden = true;
    $('nav').hidden = false;
    $('session').hidden = false;
    $('tenants-view').hidden = view !== 'tenants';
    $('detail-view').hidden = view !== 'detail';
    $('config-view').hidden = view !== 'config';
    $('nav-tenants').toggleAttribute('aria-current', view !== 'config');
    if (view !== 'config') $('nav-tenants').setAttribute('aria-current', 'page');
    $('nav-config').toggleAttribute('aria-current', view === 'config');
    if (view === 'config') $('nav-config').setAttribute('aria-current', 'page');
  }

  // ---------------------------------------------------------------- tenants table
  const sortValue = {
    burst: (r) => (r.burst ? r.burst.factor : 1),
    flags: (r) => (r.throttled ? 2 : 0) + (r.hot ? 1 : 0),
    quota_used: (r) => (r.cache_size_bytes === null ? -1 : r.cache_size_bytes / r.cache_effective_quota_bytes),
    p95_ratio: (r) => (r.p95_ms === null ? -1 : r.p95_ms / r.timeout_ms),
  };

  function compare(a, b) {
    const key = state.sort.key;
    const pick = sortValue[key] || ((r) => r[key]);
    let x = pick(a);
    let y = pick(b);
    if (x === null || x === undefined) x = -Infinity;
    if (y === null || y === undefined) y = -Infinity;
    const order = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return (order || a.tenant_id.localeCompare(b.tenant_id)) * state.sort.dir;
  }

  function cell(row, column, text, value, className) {
    const td = document.createElement('td');
    td.dataset.col = column;
    if (value !== undefined) td.dataset.value = value === null ? '' : String(value);
    if (className) td.className = className;
    if (text !== undefined) td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function badge(parent, kind, text) {
    const span = document.createElement('span');
    span.className = 'badge ' + kind;
    span.textContent = text;
    parent.appendChild(span);
  }

  function meter(parent, share) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'meter' + (share >= 0.95 ? ' high' : ''));
    svg.setAttribute('viewBox', '0 0 100 8');
    svg.setAttribute('aria-hidden', 'true');
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('width', String(Math.max(0, Math.min(100, share * 100))));
    rect.setAttribute('height', '8');
    svg.appendChild(rect);
    parent.appendChild(svg);
  }

  function renderTenants() {
    const filter = $('filter').value.trim().toLowerCase();
    const flaggedOnly = $('only-flagged').checked;
    const rows = state.rows
      .filter((r) => !filter || r.tenant_id.toLowerCase().includes(filter) || r.tier.toLowerCase().includes(filter))
      .filter((r) => !flaggedOnly || r.hot || r.throttled)
      .sort(compare);

    const body = document.querySelector('#tenants tbody');
    const fresh = document.createDocumentFragment();
    for (const r of rows) {
      const tr = document.createElement('tr');
      tr.dataset.tenant = r.tenant_id;
      if (r.hot || r.throttled) tr.className = 'flagged';
      const name = document.createElement('th');
      name.scope = 'row';
      name.dataset.col = 'tenant_id';
      name.textContent = r.tenant_id;
      tr.appendChild(name);
      cell(tr, 'tier', r.tier, r.tier);
      cell(tr, 'max_qps', fmt.qps(r.max_qps), r.max_qps, 'num');
      cell(tr, 'effective_max_qps', fmt.qps(r.effective_max_qps), r.effective_max_qps, 'num' + (r.effective_max_qps < r.max_qps ? ' over' : ''));
      const burst = cell(tr, 'burst', undefined, r.burst ? r.burst.factor : null);
      if (r.burst) {
        badge(burst, 'burst', '×' + fmt.qps(r.burst.factor));
        burst.appendChild(document.createTextNode('until ' + fmt.time(r.burst.expires_at)));
      } else {
        burst.textContent = '—';
      }
      cell(tr, 'rate_qps', fmt.qps(r.rate_qps), r.rate_qps, 'num');
      const flags = cell(tr, 'flags', undefined, [r.hot ? 'hot' : '', r.throttled ? 'throttled' : ''].filter(Boolean).join(' '));
      if (r.hot) badge(flags, 'hot', 'hot');
      if (r.throttled) badge(flags, 'throttled', 'throttled');
      cell(tr, 'hit_rate', fmt.percent(r.hit_rate), r.hit_rate, 'num');
      const cache = cell(tr, 'cache_size_bytes', undefined, r.cache_size_bytes);
      if (r.cache_size_bytes !== null) meter(cache, r.cache_size_bytes / r.cache_effective_quota_bytes);
      cache.appendChild(document.createTextNode(fmt.bytes(r.cache_size_bytes) + ' / ' + fmt.bytes(r.cache_effective_quota_bytes)));
      if (r.cache_effective_quota_bytes < r.cache_quota_bytes) {
        cache.title = 'Its share of the embedded store\'s bound; the tier allows ' + fmt.bytes(r.cache_quota_bytes) + ' on Redis.';
      }
      const p95 = cell(tr, 'p95_ms', fmt.ms(r.p95_ms) + ' / ' + r.timeout_ms + ' ms', r.p95_ms, 'num');
      if (r.p95_ms !== null && r.p95_ms > r.timeout_ms) p95.classList.add('over');
      const sla = cell(tr, 'sla_compliance', fmt.percent(r.sla_compliance), r.sla_compliance, 'num');
      if (r.sla_compliance !== null) sla.classList.add(r.sla_compliance < 0.995 ? 'over' : 'good');
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = 'Details';
      open.setAttribute('aria-label', 'Details of ' + r.tenant_id);
      open.addEventListener('click', () => openDetail(r.tenant_id));
      cell(tr, 'details').appendChild(open);
      fresh.appendChild(tr);
    }
    body.replaceChildren(fresh);
    $('empty').hidden = rows.length > 0;
    for (const th of document.querySelectorAll('#tenants th[data-sort]')) {
      if (th.dataset.sort === state.sort.key) th.setAttribute('aria-sort', state.sort.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  async function loadTenants() {
    const data = await call('GET', 'tenants');
    state.rows = data.tenants;
    $('node').textContent = 'node ' + data.node + ' · store ' + data.store;
    $('updated').textContent = 'Updated ' + fmt.time(data.generated_at);
    renderTenants();
    return data;
  }

  // ---------------------------------------------------------------- tenant detail
  function fact(list, term, value) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    list.append(dt, dd);
  }

  function line(svg, className, x1, y1, x2, y2) {
    const l = document.createElementNS(SVG, 'line');
    l.setAttribute('class', className);
    l.setAttribute('x1', x1);
    l.setAttribute('y1', y1);
    l.setAttribute('x2', x2);
    l.setAttribute('y2', y2);
    svg.appendChild(l);
  }

  function text(svg, className, x, y, content, anchor) {
    const t = document.createElementNS(SVG, 'text');
    if (className) t.setAttribute('class', className);
    t.setAttribute('x', x);
    t.setAttribute('y', y);
    if (anchor) t.setAttribute('text-anchor', anchor);
    t.textContent = content;
    svg.appendChild(t);
  }

  // A small line chart of `values` (nulls leave gaps) with horizontal reference lines [{ value, className, label }].
  function chart(svg, values, references, format) {
    const W = 480, H = 160, left = 44, right = 8, top = 10, bottom = 20;
    const finite = values.filter((v) => v !== null);
    const max = Math.max(1e-9, ...finite, ...references.map((r) => r.value)) * 1.1;
    const x = (i) => left + (i * (W - left - right)) / Math.max(1, values.length - 1);
    const y = (v) => top + (H - top - bottom) * (1 - v / max);
    svg.replaceChildren();
    line(svg, 'axis', left, top, left, H - bottom);
    line(svg, 'axis', left, H - bottom, W - right, H - bottom);
    text(svg, null, left - 4, top + 8, format(max / 1.1), 'end');
    text(svg, null, left - 4, H - bottom, '0', 'end');
    text(svg, null, left, H - 4, '−10 min');
    text(svg, null, W - right, H - 4, 'now', 'end');
    for (const r of references) {
      line(svg, r.className, left, y(r.value), W - right, y(r.value));
      text(svg, r.className + '-label', W - right - 2, y(r.value) - 3, r.label, 'end');
    }
    let path = '';
    values.forEach((v, i) => {
      if (v === null) return;
      path += (path && values[i - 1] !== null && i > 0 ? ' L' : ' M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1);
    });
    if (path) {
      const p = document.createElementNS(SVG, 'path');
      p.setAttribute('class', 'series');
      p.setAttribute('d', path.trim());
      svg.appendChild(p);
    }
    svg.dataset.points = String(finite.length);
  }

  function renderDetail(history) {
    const row = state.rows.find((r) => r.tenant_id === history.tenant_id);
    $('detail-tenant').textContent = history.tenant_id;
    const facts = $('facts');
    facts.replaceChildren();
    fact(facts, 'Tier', history.tier);
    fact(facts, 'Limit', fmt.qps(history.max_qps) + ' req/s');
    fact(facts, 'Effective limit', fmt.qps(history.effective_max_qps) + ' req/s');
    fact(facts, 'Timeout (SLA)', history.timeout_ms + ' ms');
    if (row) {
      fact(facts, 'Burst', row.burst ? '×' + fmt.qps(row.burst.factor) + ' until ' + fmt.dateTime(row.burst.expires_at) : 'none');
      fact(facts, 'Flags', [row.hot ? 'hot' : '', row.throttled ? 'throttled' : ''].filter(Boolean).join(', ') || 'none');
      fact(facts, 'Cache', fmt.bytes(row.cache_size_bytes) + ' of ' + fmt.bytes(row.cache_effective_quota_bytes)
        + (row.cache_effective_quota_bytes < row.cache_quota_bytes ? ' (its share of the embedded store; tier quota ' + fmt.bytes(row.cache_quota_bytes) + ')' : ''));
      fact(facts, 'Hit rate (shared)', fmt.percent(row.hit_rate));
    }
    $('end-burst').disabled = !(row && row.burst);

    const points = history.points;
    const rateRefs = [{ value: history.max_qps, className: 'limit', label: 'limit ' + fmt.qps(history.max_qps) }];
    if (history.effective_max_qps !== history.max_qps) {
      rateRefs.push({ value: history.effective_max_qps, className: 'effective', label: 'effective ' + fmt.qps(history.effective_max_qps) });
    }
    chart($('chart-rate'), points.map((p) => p.rate_qps), rateRefs, fmt.qps);
    chart($('chart-p95'), points.map((p) => p.p95_ms), [{ value: history.timeout_ms, className: 'limit', label: 'timeout ' + history.timeout_ms + ' ms' }],
      (v) => v.toFixed(0));
    chart($('chart-hits'), points.map((p) => (p.hit_rate === null ? null : p.hit_rate * 100)),
      [{ value: history.hit_rate_target * 100, className: 'target', label: 'objective ' + (history.hit_rate_target * 100) + '%' }], (v) => v.toFixed(0));
  }

  async function loadDetail() {
    const history = await call('GET', 'tenants/' + encodeURIComponent(state.detail) + '/history');
    renderDetail(history);
  }

  async function openDetail(tenant) {
    state.detail = tenant;
    $('action-result').textContent = '';
    $('action-result').className = 'result';
    show('detail');
    $('detail-title').focus();
    await refresh();
  }

  // ---------------------------------------------------------------- actions
  function result(textContent, ok) {
    const out = $('action-result');
    out.textContent = textContent;
    out.className = 'result ' + (ok ? 'ok' : 'error');
  }

  async function act(question, method, path, body) {
    if (!window.confirm(question)) {
      result('Cancelled; nothing was changed.', true);
      return;
    }
    try {
      const answer = await call(method, path, body);
      result(answer.message, true);
    } catch (error) {
      if (!refused(error)) result(describe(error), false);
    }
    await refresh();
  }

  function invalidate() {
    const tenant = state.detail;
    return act('Invalidate the whole cache of tenant ' + tenant + '? Its next requests miss and go to the backend; other tenants are not affected.',
      'POST', 'cache/invalidate', { tenant_id: tenant });
  }

  function grantBurst(event) {
    event.preventDefault();
    const tenant = state.detail;
    const factor = Number($('burst-factor').value);
    const minutes = Number($('burst-minutes').value);
    return act('Grant tenant ' + tenant + ' ' + factor + '× its limit for ' + minutes + ' minutes, on every node?',
      'POST', 'tenants/' + encodeURIComponent(tenant) + '/burst', { factor, duration_seconds: Math.round(minutes * 60) });
  }

  function endBurst() {
    const tenant = state.detail;
    return act('End the burst grant of tenant ' + tenant + ' now?', 'DELETE', 'tenants/' + encodeURIComponent(tenant) + '/burst');
  }

  // ---------------------------------------------------------------- configuration
  async function loadConfig() {
    const c = await call('GET', 'config');
    const facts = $('config-facts');
    facts.replaceChildren();
    fact(facts, 'Version', String(c.version));
    fact(facts, 'Loaded', fmt.dateTime(c.loaded_at));
    fact(facts, 'Node started', fmt.dateTime(c.started_at));
    fact(facts, 'Default tier', c.default_tier || 'none (unknown tenants get 403)');
    fact(facts, 'Store', c.store);
    fact(facts, 'Audit trail', c.audit);
    fact(facts, 'Tenants', String(c.tenants.length));

    const reload = $('reload');
    reload.replaceChildren();
    const heading = document.createElement('h3');
    heading.textContent = 'Last reload';
    reload.appendChild(heading);
    const summary = document.createElement('p');
    summary.id = 'reload-result';
    if (!c.last_reload) {
      summary.textContent = 'No reload since the node started.';
    } else {
      summary.textContent = (c.last_reload.result === 'success' ? 'Accepted' : 'Rejected') + ' at ' + fmt.dateTime(c.last_reload.at)
        + (c.last_reload.version ? ' (version ' + c.last_reload.version + ')' : '; the previous configuration stays in force.');
      summary.className = c.last_reload.result === 'success' ? 'good' : 'over';
    }
    reload.appendChild(summary);
    if (c.last_reload && c.last_reload.errors.length) {
      const list = document.createElement('ul');
      list.id = 'reload-errors';
      for (const e of c.last_reload.errors) {
        const li = document.createElement('li');
        li.textContent = e;
        list.appendChild(li);
      }
      reload.appendChild(list);
    }

    const body = document.querySelector('#tiers tbody');
    body.replaceChildren(...c.tiers.map((t) => {
      const tr = document.createElement('tr');
      tr.dataset.tier = t.name;
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = t.name;
      tr.appendChild(name);
      cell(tr, 'timeout_ms', String(t.timeout_ms), t.timeout_ms, 'num');
      cell(tr, 'cache_ttl', String(t.cache_ttl), t.cache_ttl, 'num');
      cell(tr, 'max_qps', fmt.qps(t.max_qps), t.max_qps, 'num');
      cell(tr, 'burst', String(t.burst), t.burst, 'num');
      cell(tr, 'cache_quota_bytes', fmt.bytes(t.cache_quota_bytes), t.cache_quota_bytes, 'num');
      cell(tr, 'fair_share_weight', String(t.fair_share_weight), t.fair_share_weight, 'num');
      cell(tr, 'max_burst_factor', fmt.qps(t.max_burst_factor), t.max_burst_factor, 'num');
      cell(tr, 'tenant_count', String(t.tenant_count), t.tenant_count, 'num');
      return tr;
    }));
  }

  // ---------------------------------------------------------------- refresh loop
  async function refresh() {
    if (!sessionStorage.getItem(TOKEN_KEY)) return;
    if (state.loading) {
      // Asked while a load is under way (an action, a click on Refresh): load again once it is done.
      state.again = true;
      return;
    }
    state.loading = true;
    try {
      if (state.view === 'config') {
        await loadConfig();
      } else {
        await loadTenants();
        if (state.view === 'detail') await loadDetail();
      }
      showAlert('');
    } catch (error) {
      if (!refused(error)) showAlert(describe(error));
    } finally {
      state.loading = false;
    }
    if (state.again) {
      state.again = false;
      await refresh();
    }
  }

  function startLive() {
    stopLive();
    if ($('live').checked) state.timer = window.setInterval(refresh, REFRESH_MS);
  }

  function stopLive() {
    if (state.timer !== null) window.clearInterval(state.timer);
    state.timer = null;
  }

  async function start() {
    show('tenants');
    await refresh();
    startLive();
  }

  // ---------------------------------------------------------------- wiring
  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token').value.trim();
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token.replace(/^Bearer\s+/i, ''));
      showAlert('');
      start();
    });
    $('sign-out').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      signedOut('');
    });
    $('nav-tenants').addEventListener('click', () => { show('tenants'); refresh(); });
    $('nav-config').addEventListener('click', () => { show('config'); refresh(); });
    $('back').addEventListener('click', () => { state.detail = null; show('tenants'); refresh(); });
    $('filter').addEventListener('input', renderTenants);
    $('only-flagged').addEventListener('change', renderTenants);
    $('live').addEventListener('change', startLive);
    $('refresh').addEventListener('click', refresh);
    $('invalidate').addEventListener('click', invalidate);
    $('burst-form').addEventListener('submit', grantBurst);
    $('end-burst').addEventListener('click', endBurst);
    for (const th of document.querySelectorAll('#tenants th[data-sort]')) {
      th.querySelector('button').addEventListener('click', () => {
        const key = th.dataset.sort;
        state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : (key === 'tenant_id' || key === 'tier' ? 1 : -1) };
        renderTenants();
      });
    }

    if (sessionStorage.getItem(TOKEN_KEY)) start();
    else signedOut('');
  });
})();
