// Edge Gateway admin UI. Plain JavaScript, no framework, no inline script (the CSP forbids it).
// Everything the gateway sends is put into the page with textContent or text nodes, never innerHTML.
'use strict';

(() => {
  const POLL_MS = 1500;
  const CHART_WINDOW_MS = 5 * 60 * 1000;
  const PAGES = ['dashboard', 'clients', 'enrolment', 'quarantine', 'plugins', 'workers', 'audit', 'settings'];
  const RECENT_LIMIT = 50;

  const state = {
    session: null,
    page: null,
    polling: false,
    samples: [],          // {t, messagesIn, errorsByCode}
    talkers: new Map(),   // client name -> {t, messages, rate}
    clients: [],
    messagesFor: null,    // the client whose recent messages are shown, or null
    auditBefore: null,
    auditPages: [],
  };

  const $ = (id) => document.getElementById(id);

  /** Builds an element; strings become text nodes, so data can never become markup. */
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v);
      }
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /**
   * Calls the API. A call made by the background poll says so (X-EGW-Background), so that the
   * server does not count it as the admin's activity: an open page alone keeps no session alive.
   */
  async function api(method, path, body, background) {
    const headers = {};
    if (background) headers['X-EGW-Background'] = '1';
    const options = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET' && state.session && state.session.csrfToken) {
      headers['X-CSRF-Token'] = state.session.csrfToken;
    }
    if (body instanceof FormData) {
      options.body = body;  // the browser sets multipart/form-data with its boundary
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, options);
    } catch (e) {
      showBanner('Lost contact with the gateway; retrying.');
      throw new ApiError(0, 'NETWORK', 'the gateway cannot be reached');
    }
    hideBanner();
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!res.ok) {
      const err = new ApiError(res.status, (data && data.error) || 'HTTP_' + res.status,
        (data && data.message) || res.statusText);
      if (res.status === 401 && !(method === 'POST' && path === '/api/session')) {
        state.session = null;
        show('login');
      } else if (err.code === 'PASSWORD_CHANGE_REQUIRED') {
        show('password');
      }
      throw err;
    }
    return data;
  }

  function showBanner(text) {
    const b = $('banner');
    b.textContent = text;
    b.hidden = false;
  }

  function hideBanner() {
    $('banner').hidden = true;
  }

  function setResult(node, text, ok) {
    clear(node);
    node.className = 'result ' + (ok ? 'ok' : 'bad');
    if (text instanceof Node) node.append(text); else node.textContent = text;
  }

  // ------------------------------------------------------------------ formatting

  function fmtTime(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString();
  }

  function fmtAgo(iso) {
    if (!iso) return 'never';
    const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return Math.round(s / 3600) + ' h ago';
    return fmtTime(iso);
  }

  function fmtNum(n) {
    return typeof n === 'number' ? n.toLocaleString() : '–';
  }

  function fmtLimits(l) {
    if (!l || (l.messagesPerSecond == null && l.burst == null && l.bytesPerSecond == null)) return 'default';
    const parts = [];
    if (l.messagesPerSecond != null) parts.push(l.messagesPerSecond + ' msg/s');
    if (l.burst != null) parts.push('burst ' + l.burst);
    if (l.bytesPerSecond != null) parts.push(l.bytesPerSecond + ' B/s');
    return parts.join(', ');
  }

  function badge(status) {
    const s = String(status || '').toLowerCase();
    return el('span', { class: 'badge ' + s, text: s });
  }

  // ------------------------------------------------------------------ dialog

  /** Shows a modal form; resolves with {name: value} on OK, or null on cancel. */
  function ask(title, fields, okText) {
    const dialog = $('dialog');
    $('dialog-title').textContent = title;
    $('dialog-ok').textContent = okText || 'OK';
    const box = clear($('dialog-fields'));
    const inputs = {};
    for (const f of fields) {
      const input = el('input', { id: 'dialog-' + f.name, type: f.type || 'text', placeholder: f.placeholder || '' });
      if (f.value !== undefined && f.value !== null) input.value = f.value;
      inputs[f.name] = input;
      box.append(el('label', null, f.label, input));
    }
    return new Promise((resolve) => {
      const onCancel = () => dialog.close('cancel');
      $('dialog-cancel').addEventListener('click', onCancel, { once: true });
      dialog.addEventListener('close', () => {
        $('dialog-cancel').removeEventListener('click', onCancel);
        if (dialog.returnValue !== 'ok') { resolve(null); return; }
        const out = {};
        for (const [k, input] of Object.entries(inputs)) out[k] = input.value.trim();
        resolve(out);
      }, { once: true });
      dialog.returnValue = '';
      dialog.showModal();
    });
  }

  // ------------------------------------------------------------------ pages

  function show(page) {
    state.page = page;
    for (const p of ['login', 'password', ...PAGES]) $('page-' + p).hidden = p !== page;
    const loggedIn = !!state.session && page !== 'login';
    $('nav').hidden = !loggedIn || page === 'password';
    $('logout').hidden = !loggedIn;
    $('who').textContent = loggedIn ? state.session.user : '';
    for (const a of document.querySelectorAll('#nav a')) {
      a.classList.toggle('active', a.dataset.page === page);
    }
    if (page === 'login') {
      $('login-password').value = '';
      $('login-password').focus();
    }
    if (page === 'password') {
      for (const id of ['pw-current', 'pw-new', 'pw-again']) $(id).value = '';
      $('pw-error').textContent = '';
      $('pw-cancel').hidden = !state.session || state.session.mustChangePassword;
    }
    if (page === 'audit') {
      state.auditBefore = null;
      state.auditPages = [];
    }
    if (page === 'settings') loadSettings();
    if (page !== 'enrolment') {
      // A claim file's secret stays on screen only until the admin leaves the page.
      $('claim-file').value = '';
      $('claim-file').hidden = true;
      $('claim-result').textContent = '';
    }
    refresh();
  }

  function route() {
    if (!state.session) { show('login'); return; }
    if (state.session.mustChangePassword) { show('password'); return; }
    const page = location.hash.replace('#', '');
    show(PAGES.includes(page) ? page : 'dashboard');
  }

  /** Reloads the page's data; {@code bg} when the poll does it rather than the admin. */
  async function refresh(bg) {
    if (state.polling || !state.session || state.session.mustChangePassword) return;
    state.polling = true;
    try {
      if (state.page === 'dashboard') await refreshDashboard(bg);
      else if (state.page === 'clients') await Promise.all([refreshClients(bg), refreshMessages(bg)]);
      else if (state.page === 'enrolment') await Promise.all([refreshPending(bg), refreshClaims(bg)]);
      else if (state.page === 'quarantine') await Promise.all([refreshQuarantine(bg), refreshBans(bg)]);
      else if (state.page === 'plugins') await refreshPlugins(bg);
      else if (state.page === 'workers') await refreshWorkers(bg);
      else if (state.page === 'audit') await refreshAudit(bg);
      else if (state.page === 'settings') await refreshTokens(bg);
    } catch (e) {
      if (!(e instanceof ApiError)) showBanner('The page failed to update: ' + e.message);
    } finally {
      state.polling = false;
    }
  }

  // dashboard

  async function refreshDashboard(bg) {
    const [stats, connections] = await Promise.all([api('GET', '/api/stats', undefined, bg),
      api('GET', '/api/connections', undefined, bg)]);
    const now = Date.now();
    state.samples.push({ t: now, messagesIn: stats.messagesIn, errorsByCode: stats.errorsByCode || {} });
    while (state.samples.length > 2 && now - state.samples[0].t > CHART_WINDOW_MS) state.samples.shift();

    const errorsTotal = Object.values(stats.errorsByCode || {}).reduce((a, b) => a + b, 0);
    const deniedTotal = Object.values(stats.zapDenialsByReason || {}).reduce((a, b) => a + b, 0);
    $('stat-connected').textContent = fmtNum(stats.connectedClients);
    $('stat-messages').textContent = fmtNum(stats.messagesIn);
    $('stat-errors').textContent = fmtNum(errorsTotal);
    $('stat-denied').textContent = fmtNum(deniedTotal);
    const uplink = stats.uplink;
    const refused = !!(uplink && uplink.refusal);
    $('uplink-alert').hidden = !refused;
    $('uplink-alert').textContent = refused
      ? 'Uplink refused by the upstream since ' + uplink.refusedSince + ': ' + uplink.refusal + '. '
        + fmtNum(uplink.waiting) + ' messages wait in the queue; ' + uplink.remedy + '.'
      : '';
    const rates = rateSeries();
    $('stat-rate').textContent = rates.length ? rates[rates.length - 1].rate.toFixed(1) : '–';
    drawChart(rates);

    const body = clear($('connections-table').tBodies[0]);
    for (const c of connections) {
      body.append(el('tr', { 'data-client': c.clientName },
        el('td', null, el('span', { class: 'dot on' }), c.clientName),
        el('td', { class: 'mono small', text: c.peerAddress || '–' }),
        el('td', { class: 'opt', text: fmtAgo(c.connectedAt) }),
        el('td', { text: fmtNum(c.messages) })));
    }
    $('connections-empty').hidden = connections.length > 0;

    const talkers = clear($('top-talkers'));
    const ranked = connections.map((c) => {
      const prev = state.talkers.get(c.clientName);
      let rate = 0;
      if (prev && now > prev.t) rate = Math.max(0, (c.messages - prev.messages) * 1000 / (now - prev.t));
      state.talkers.set(c.clientName, { t: now, messages: c.messages });
      return { name: c.clientName, messages: c.messages, rate };
    }).sort((a, b) => b.rate - a.rate || b.messages - a.messages).slice(0, 5);
    for (const t of ranked) {
      talkers.append(el('li', null, t.name + ' — ' + t.rate.toFixed(1) + ' msg/s, ' + fmtNum(t.messages) + ' total'));
    }
    if (!ranked.length) talkers.append(el('li', { class: 'muted', text: 'nobody is talking' }));

    const oldest = state.samples[0].errorsByCode;
    const errors = clear($('errors-by-code'));
    const codes = Object.entries(stats.errorsByCode || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    for (const [code, total] of codes) {
      const recent = total - (oldest[code] || 0);
      errors.append(el('li', null, el('span', { class: 'mono', text: code }),
        ': ' + fmtNum(recent) + ' in the last minutes (' + fmtNum(total) + ' since start)'));
    }
    if (!codes.length) errors.append(el('li', { class: 'muted', text: 'no errors sent' }));

    const denials = clear($('denials'));
    const reasons = Object.entries(stats.zapDenialsByReason || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    for (const [reason, n] of reasons) denials.append(el('li', null, reason + ': ' + fmtNum(n)));
    if (!reasons.length) denials.append(el('li', { class: 'muted', text: 'none' }));
  }

  function rateSeries() {
    const out = [];
    for (let i = 1; i < state.samples.length; i++) {
      const a = state.samples[i - 1];
      const b = state.samples[i];
      const dt = (b.t - a.t) / 1000;
      if (dt > 0) out.push({ t: b.t, rate: Math.max(0, (b.messagesIn - a.messagesIn) / dt) });
    }
    return out;
  }

  function drawChart(series) {
    const canvas = $('rate-chart');
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 300;
    const h = canvas.clientHeight || 160;
    if (canvas.width !== Math.round(w * ratio)) canvas.width = Math.round(w * ratio);
    if (canvas.height !== Math.round(h * ratio)) canvas.height = Math.round(h * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    const max = Math.max(1, ...series.map((p) => p.rate));
    const now = Date.now();
    g.strokeStyle = '#dde3ea';
    g.fillStyle = '#5b6675';
    g.font = '11px system-ui, sans-serif';
    for (let i = 0; i <= 4; i++) {
      const y = 8 + (h - 24) * i / 4;
      g.beginPath(); g.moveTo(36, y); g.lineTo(w, y); g.stroke();
      g.fillText((max * (4 - i) / 4).toFixed(max < 10 ? 1 : 0), 0, y + 4);
    }
    g.fillText('-5 min', 36, h - 2);
    g.fillText('now', w - 24, h - 2);
    if (series.length < 2) return;
    g.strokeStyle = '#2f6fb0';
    g.lineWidth = 2;
    g.beginPath();
    series.forEach((p, i) => {
      const x = 36 + (w - 36) * (1 - (now - p.t) / CHART_WINDOW_MS);
      const y = 8 + (h - 24) * (1 - p.rate / max);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  }

  // clients

  async function refreshClients(bg) {
    state.clients = await api('GET', '/api/clients', undefined, bg);
    renderClients();
  }

  function renderClients() {
    const needle = $('client-search').value.trim().toLowerCase();
    const shown = state.clients.filter((c) => !needle || c.name.toLowerCase().includes(needle)
      || c.publicKey.toLowerCase().includes(needle));
    const body = clear($('clients-table').tBodies[0]);
    for (const c of shown) {
      const actions = el('td', { class: 'actions' });
      const status = String(c.status).toUpperCase();
      if (status === 'ACTIVE') {
        actions.append(el('button', { type: 'button', class: 'secondary small', 'data-action': 'quarantine',
          onclick: () => quarantine(c.name) }, 'Quarantine'));
      }
      if (status === 'QUARANTINED') {
        actions.append(el('button', { type: 'button', class: 'secondary small', 'data-action': 'release',
          onclick: () => release(c.name) }, 'Release'));
      }
      if (status !== 'REVOKED') {
        actions.append(el('button', { type: 'button', class: 'secondary small', 'data-action': 'limits',
          onclick: () => limits(c) }, 'Limits'));
        actions.append(el('button', { type: 'button', class: 'danger small', 'data-action': 'revoke',
          onclick: () => revoke(c.name) }, 'Revoke'));
      }
      actions.append(el('button', { type: 'button', class: 'secondary small', 'data-action': 'messages',
        onclick: () => showMessages(c.name) }, 'Messages'));
      body.append(el('tr', { 'data-client': c.name },
        el('td', null, el('div', { class: 'client-name', text: c.name }),
          el('div', { class: 'mono small muted', text: c.publicKey })),
        el('td', null, badge(c.status),
          c.quarantineReason ? el('div', { class: 'small muted reason', text: c.quarantineReason }) : null,
          status === 'QUARANTINED' ? el('div', { class: 'small muted until',
            text: c.quarantineUntil ? 'until ' + fmtTime(c.quarantineUntil) : 'until released' }) : null),
        el('td', null, el('span', { class: 'dot' + (c.connected ? ' on' : '') }),
          c.connected ? (c.peerAddress || 'connected') : 'offline'),
        el('td', { class: 'opt', text: c.connected ? 'now' : fmtAgo(c.lastSeen) }),
        el('td', { class: 'opt' }, el('span', { class: 'messages-total', text: fmtNum(c.messages) }),
          c.connected ? el('div', { class: 'small muted this-connection',
            text: fmtNum(c.connectionMessages) + ' this connection' }) : null),
        el('td', { class: 'opt small', text: fmtLimits(c.limits) }),
        actions));
    }
    $('clients-empty').hidden = shown.length > 0;
  }

  async function act(promise) {
    try {
      await promise;
    } catch (e) {
      showBanner(e.message);
    }
    refresh();
  }

  async function quarantine(name) {
    const v = await ask('Quarantine ' + name, [
      { name: 'reason', label: 'Reason', placeholder: 'why' },
      { name: 'minutes', label: 'For how many minutes (empty: until released)', type: 'number' },
    ], 'Quarantine');
    if (!v) return;
    const body = { reason: v.reason || 'by admin' };
    if (v.minutes) body.durationSeconds = Math.round(Number(v.minutes) * 60);
    act(api('POST', '/api/clients/' + encodeURIComponent(name) + '/quarantine', body));
  }

  function release(name) {
    act(api('POST', '/api/clients/' + encodeURIComponent(name) + '/release'));
  }

  async function revoke(name) {
    const v = await ask('Revoke ' + name + '? Its key stops working at once and a live connection is cut.', [], 'Revoke');
    if (!v) return;
    act(api('POST', '/api/clients/' + encodeURIComponent(name) + '/revoke'));
  }

  async function limits(c) {
    const l = c.limits || {};
    const v = await ask('Limits of ' + c.name + ' (empty: gateway default)', [
      { name: 'messagesPerSecond', label: 'Messages per second', type: 'number', value: l.messagesPerSecond },
      { name: 'burst', label: 'Burst (messages)', type: 'number', value: l.burst },
      { name: 'bytesPerSecond', label: 'Bytes per second', type: 'number', value: l.bytesPerSecond },
    ], 'Save');
    if (!v) return;
    const num = (s) => (s === '' ? null : Number(s));
    act(api('PUT', '/api/clients/' + encodeURIComponent(c.name) + '/limits', {
      messagesPerSecond: num(v.messagesPerSecond), burst: num(v.burst), bytesPerSecond: num(v.bytesPerSecond),
    }));
  }

  async function enrol(event) {
    event.preventDefault();
    const out = $('enrol-result');
    const name = $('enrol-name').value.trim();
    const file = $('enrol-file').files[0];
    const body = { name };
    if (file) body.certificate = await file.text(); else body.publicKey = $('enrol-key').value.trim();
    try {
      const c = await api('POST', '/api/clients', body);
      setResult(out, 'Enrolled ' + c.name + '.', true);
      $('enrol-form').reset();
      refresh();
    } catch (e) {
      setResult(out, e.message, false);
    }
  }

  async function generate(event) {
    event.preventDefault();
    const out = $('generate-result');
    const name = $('generate-name').value.trim();
    const format = $('generate-format').value;
    try {
      const r = await api('POST', '/api/clients/generate', { name, format });
      const fileName = r.fileName || (r.client.name + '.zip');
      const link = el('a', { id: 'bundle-link', href: r.bundle, download: fileName }, 'Download ' + fileName);
      const note = el('span', { id: 'bundle-status' }, ' — one download, within 10 minutes.');
      setResult(out, el('span', null, 'Enrolled. ', link, note), true);
      link.addEventListener('click', (e) => {
        e.preventDefault();
        downloadBundle(r.bundle, fileName, r.client.name, out, note);
      });
      $('generate-form').reset();
      refresh();
    } catch (e) {
      setResult(out, e.message, false);
    }
  }

  // Fetches the bundle and saves it only when the gateway sent it: the result line says what
  // happened, and an error (a second download, an expired bundle) never replaces the page.
  async function downloadBundle(url, fileName, clientName, out, note) {
    let res;
    try {
      res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      out.className = 'result bad';
      note.textContent = ' — the download failed: the gateway cannot be reached. Try again.';
      return;
    }
    if (!res.ok) {
      let message = 'HTTP ' + res.status;
      try {
        const data = await res.json();
        if (data && data.message) message = data.message;
      } catch (e) { /* not JSON */ }
      out.className = 'result bad';
      note.textContent = ' — the download failed: ' + message + '. To start again, revoke ' + clientName
        + ' and generate a new key pair.';
      return;
    }
    const blob = await res.blob();
    const href = URL.createObjectURL(blob);
    const a = el('a', { href, download: fileName, hidden: 'hidden' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60000);
    out.className = 'result ok';
    note.textContent = ' — Bundle downloaded (' + fileName + '). Unpack it on the sensor; it is the only copy of'
      + ' the secret key.';
  }

  // recent messages of one client

  function showMessages(name) {
    state.messagesFor = name;
    $('messages-title').textContent = 'Recent messages of ' + name;
    clear($('messages-table').tBodies[0]);
    $('messages-empty').hidden = true;
    $('messages-card').hidden = false;
    $('messages-card').scrollIntoView({ block: 'nearest' });
    refresh();
  }

  function closeMessages() {
    state.messagesFor = null;
    $('messages-card').hidden = true;
  }

  async function refreshMessages(bg) {
    const name = state.messagesFor;
    if (!name) return;
    let rows;
    try {
      rows = await api('GET', '/api/clients/' + encodeURIComponent(name) + '/messages?limit=' + RECENT_LIMIT,
        undefined, bg);
    } catch (e) {
      if (e.status === 404) closeMessages();
      throw e;
    }
    if (state.messagesFor !== name) return;
    const body = clear($('messages-table').tBodies[0]);
    for (const m of rows) {
      const ok = String(m.outcome).toUpperCase() === 'ACK';
      body.append(el('tr', null,
        el('td', { class: 'small', text: fmtTime(m.receivedAt) }),
        el('td', { class: 'mono small', text: m.type }),
        el('td', { class: 'opt small', text: fmtNum(m.size) + ' B' }),
        el('td', { class: 'mono small preview', text: m.preview || '' }),
        el('td', { class: 'small' }, el('span', { class: 'outcome ' + (ok ? 'ok' : 'bad'), text: m.outcome }),
          m.detail && !ok ? el('div', { class: 'muted', text: m.detail }) : null)));
    }
    $('messages-empty').hidden = rows.length > 0;
  }

  // enrolment

  async function refreshPending(bg) {
    const pending = await api('GET', '/api/claims/pending', undefined, bg);
    const body = clear($('pending-table').tBodies[0]);
    for (const p of pending) {
      body.append(el('tr', { 'data-client': p.name },
        el('td', { text: p.name }),
        el('td', { class: 'mono small', text: p.publicKey }),
        el('td', { text: String(p.claimId) }),
        el('td', { class: 'opt mono small', text: p.address || '' }),
        el('td', { class: 'opt small', text: fmtTime(p.enrolledAt) }),
        el('td', { class: 'actions' },
          el('button', { type: 'button', class: 'small', 'data-action': 'approve',
            onclick: () => act(api('POST', '/api/clients/' + encodeURIComponent(p.name) + '/approve')) }, 'Approve'),
          el('button', { type: 'button', class: 'secondary small', 'data-action': 'reject',
            onclick: () => reject(p.name) }, 'Reject'))));
    }
    $('pending-empty').hidden = pending.length > 0;
  }

  async function reject(name) {
    const v = await ask('Reject ' + name + '? Its key is revoked for good and its name stays taken.', [], 'Reject');
    if (!v) return;
    act(api('POST', '/api/clients/' + encodeURIComponent(name) + '/reject'));
  }

  async function refreshClaims(bg) {
    const claims = await api('GET', '/api/claims', undefined, bg);
    const body = clear($('claims-table').tBodies[0]);
    for (const c of claims) {
      body.append(el('tr', { 'data-claim': String(c.id) },
        el('td', { text: String(c.id) }),
        el('td', { class: 'mono', text: c.prefix }),
        el('td', { text: c.usesLeft + ' / ' + c.uses }),
        el('td', { text: c.approval }),
        el('td', null, badge(c.state)),
        el('td', { class: 'opt small', text: fmtTime(c.expiresAt) }),
        el('td', { class: 'actions' }, c.state === 'revoked' ? null : el('button', { type: 'button',
          class: 'secondary small', 'data-action': 'revoke-claim', onclick: () => revokeClaim(c) }, 'Revoke'))));
    }
    $('claims-empty').hidden = claims.length > 0;
  }

  async function revokeClaim(c) {
    const v = await ask('Revoke claim ' + c.id + ' (' + c.prefix + ')? It enrols nobody from now on; enrolled sensors stay.',
      [], 'Revoke');
    if (!v) return;
    act(api('DELETE', '/api/claims/' + encodeURIComponent(c.id)));
  }

  async function makeClaim(event) {
    event.preventDefault();
    const out = $('claim-result');
    const file = $('claim-file');
    file.hidden = true;
    file.value = '';
    try {
      const r = await api('POST', '/api/claims', {
        prefix: $('claim-prefix').value.trim(),
        uses: Number($('claim-uses').value),
        expiresInSeconds: Math.round(Number($('claim-hours').value) * 3600),
        approve: $('claim-approve').value,
      });
      const name = r.claim.prefix.replace(/[^A-Za-z0-9._-]/g, '') + 'claim-' + r.claim.id + '.claim';
      const url = URL.createObjectURL(new Blob([r.claimFile], { type: 'text/plain' }));
      const link = el('a', { id: 'claim-link', href: url, download: name }, 'Download ' + name);
      setResult(out, el('span', null, 'Claim ' + r.claim.id + ' made. ', link,
        ' — keep it as you would a password: it is not shown again.'), true);
      $('claim-form').reset();
      file.value = r.claimFile;
      file.hidden = false;
      refresh();
    } catch (e) {
      setResult(out, e.message, false);
    }
  }

  // quarantine

  async function refreshQuarantine(bg) {
    const clients = await api('GET', '/api/clients', undefined, bg);
    const body = clear($('quarantine-table').tBodies[0]);
    const quarantined = clients.filter((c) => String(c.status).toUpperCase() === 'QUARANTINED');
    for (const c of quarantined) {
      body.append(el('tr', { 'data-client': c.name },
        el('td', { text: c.name }),
        el('td', { class: 'reason', text: c.quarantineReason || '' }),
        el('td', { text: c.quarantineUntil ? fmtTime(c.quarantineUntil) : 'until released' }),
        el('td', { class: 'actions' }, el('button', { type: 'button', class: 'secondary small', 'data-action': 'release',
          onclick: () => release(c.name) }, 'Release'))));
    }
    $('quarantine-empty').hidden = quarantined.length > 0;
    const revoked = clear($('revoked-list'));
    const gone = clients.filter((c) => String(c.status).toUpperCase() === 'REVOKED');
    for (const c of gone) revoked.append(el('li', null, c.name + ' ', el('span', { class: 'mono small muted', text: c.publicKey })));
    if (!gone.length) revoked.append(el('li', { class: 'muted', text: 'none' }));
  }

  // bans

  async function refreshBans(bg) {
    const bans = await api('GET', '/api/bans', undefined, bg);
    const body = clear($('bans-table').tBodies[0]);
    for (const b of bans) {
      body.append(el('tr', { 'data-address': b.address },
        el('td', { class: 'mono', text: b.address }),
        el('td', { class: 'reason small', text: b.reason || '' }),
        el('td', { class: 'opt small', text: fmtTime(b.since) }),
        el('td', { class: 'small', text: fmtTime(b.until) }),
        el('td', { class: 'opt', text: fmtNum(b.refusals) }),
        el('td', { class: 'actions' }, el('button', { type: 'button', class: 'secondary small', 'data-action': 'unban',
          onclick: () => unban(b.address) }, 'Lift'))));
    }
    $('bans-empty').hidden = bans.length > 0;
  }

  async function unban(address) {
    const v = await ask('Lift the ban on ' + address + '? Its handshakes are accepted again at once.', [], 'Lift ban');
    if (!v) return;
    act(api('DELETE', '/api/bans/' + encodeURIComponent(address)));
  }

  // workers

  async function refreshWorkers(bg) {
    const r = await api('GET', '/api/workers', undefined, bg);
    $('workers-endpoint').textContent = r.endpoint || '(workers are off: workers.enabled=false)';
    const body = clear($('workers-table').tBodies[0]);
    for (const w of r.workers) {
      const rows = w.connections.length ? w.connections : [null];
      for (const c of rows) {
        const actions = el('td', { class: 'actions' });
        if (w.status === 'active' && c === rows[0]) {
          actions.append(el('button', { type: 'button', class: 'danger small', 'data-action': 'revoke-worker',
            onclick: () => revokeWorker(w.name) }, 'Revoke'));
        }
        body.append(el('tr', { 'data-worker': w.name },
          el('td', null, el('div', { text: w.name }), el('div', { class: 'mono small muted key', text: w.publicKey })),
          el('td', { text: w.status === 'revoked' ? 'revoked' : (c ? 'connected' : 'not connected') }),
          el('td', { class: 'mono small', text: c ? c.types.join(', ') : '' }),
          el('td', { class: 'opt mono small', text: c ? c.peerAddress : '' }),
          el('td', { text: c ? fmtNum(c.inFlight) : '' }),
          el('td', { text: c ? fmtNum(c.served) : '' }),
          el('td', { text: c ? fmtNum(c.failed) : '' }),
          el('td', { class: 'opt small', text: c ? fmtTime(c.lastHeartbeat) : '' }),
          actions));
      }
    }
    $('workers-empty').hidden = r.workers.length > 0;
  }

  async function revokeWorker(name) {
    const v = await ask('Revoke worker ' + name + '? Its connections are cut at once and its key is refused from now on.',
      [], 'Revoke worker');
    if (!v) return;
    act(api('POST', '/api/workers/' + encodeURIComponent(name) + '/revoke', {}));
  }

  async function enrolWorker(event) {
    event.preventDefault();
    const out = $('worker-result');
    try {
      const w = await api('POST', '/api/workers', { name: $('worker-name').value.trim(), publicKey: $('worker-key').value.trim() });
      setResult(out, 'Enrolled worker ' + w.name + '.', true);
      $('worker-form').reset();
      refresh();
    } catch (e) {
      setResult(out, e.message, false);
    }
  }

  // plugins

  async function refreshPlugins(bg) {
    const plugins = await api('GET', '/api/plugins', undefined, bg);
    const body = clear($('plugins-table').tBodies[0]);
    for (const p of plugins) {
      const s = String(p.state).toUpperCase();
      const actions = el('td', { class: 'actions' });
      const button = (action, label, cls) => el('button', { type: 'button', class: (cls || 'secondary') + ' small',
        'data-action': action, onclick: () => pluginAction(p, action) }, label);
      if (s === 'STARTED') actions.append(button('stop', 'Stop'));
      else actions.append(button('start', 'Start'));
      actions.append(button('reload', 'Reload'));
      actions.append(button('unload', 'Unload', 'danger'));
      body.append(el('tr', { 'data-plugin': p.id },
        el('td', null, el('div', { class: 'plugin-name', text: p.id + (p.version ? ' ' + p.version : '') }),
          el('div', { class: 'small muted', text: [p.provider, p.fileName, p.builtin ? 'built-in' : 'installed']
            .filter((x) => x).join(' · ') })),
        el('td', null, badge(p.state), p.reason ? el('div', { class: 'small muted reason', text: p.reason }) : null),
        el('td', { class: 'mono small types', text: (p.types || []).join(', ') || '–' }),
        el('td', { class: 'opt mono small', text: p.publisher || 'unsigned' }),
        actions));
    }
    $('plugins-empty').hidden = plugins.length > 0;
  }

  async function pluginAction(p, action) {
    if (action === 'unload') {
      const v = await ask('Unload ' + p.id + '? It stops serving ' + ((p.types || []).join(', ') || 'its types')
        + ' until the gateway restarts; its file stays.', [], 'Unload');
      if (!v) return;
    }
    act(api('POST', '/api/plugins/' + encodeURIComponent(p.id) + '/' + action));
  }

  async function uploadPlugin(event) {
    event.preventDefault();
    const out = $('plugin-upload-result');
    const file = $('plugin-file').files[0];
    const sig = $('plugin-sig').files[0];
    if (!file) { setResult(out, 'Choose the plugin file.', false); return; }
    const form = new FormData();
    form.append('plugin', file, file.name);
    if (sig) form.append('signature', sig, sig.name);
    setResult(out, 'Uploading ' + file.name + '…', true);
    try {
      const p = await api('POST', '/api/plugins', form);
      const s = String(p.state).toUpperCase();
      if (s === 'STARTED') setResult(out, 'Installed ' + p.id + ': serving ' + ((p.types || []).join(', ') || 'nothing') + '.', true);
      else setResult(out, 'Installed ' + p.id + ' but it is ' + s.toLowerCase() + ': ' + (p.reason || 'no reason given'), false);
      $('plugin-upload-form').reset();
      refresh();
    } catch (e) {
      setResult(out, e.message, false);
    }
  }

  // audit

  async function refreshAudit(bg) {
    const before = state.auditBefore;
    const q = '/api/audit?limit=50' + (before ? '&before=' + before : '');
    const rows = await api('GET', q, undefined, bg);
    const body = clear($('audit-table').tBodies[0]);
    for (const e of rows) {
      body.append(el('tr', null,
        el('td', { class: 'small', text: fmtTime(e.at) }),
        el('td', { text: e.actor }),
        el('td', { class: 'mono small', text: e.action }),
        el('td', { text: e.subject || '' }),
        el('td', { class: 'opt small', text: e.detail || '' }),
        el('td', { class: 'opt mono small', text: e.source || '' })));
    }
    state.auditLast = rows.length ? rows[rows.length - 1].id : null;
    $('audit-older').disabled = rows.length < 50;
  }

  // settings

  async function loadSettings() {
    try {
      const info = await api('GET', '/api/info');
      $('info-server-key').textContent = info.serverPublicKey;
      $('info-endpoint').textContent = info.clientEndpoint;
      $('info-fingerprint').textContent = info.certificateFingerprint || 'no TLS';
    } catch (e) { /* shown by api() */ }
  }

  async function refreshTokens(bg) {
    const tokens = await api('GET', '/api/tokens', undefined, bg);
    const body = clear($('tokens-table').tBodies[0]);
    for (const t of tokens.filter((x) => !x.revokedAt)) {
      body.append(el('tr', { 'data-token': t.name },
        el('td', { text: t.name }),
        el('td', { class: 'small', text: t.scope }),
        el('td', { class: 'opt small', text: fmtTime(t.createdAt) }),
        el('td', { class: 'small', text: t.expired ? 'expired ' + fmtTime(t.expiresAt)
          : (t.expiresAt ? fmtTime(t.expiresAt) : 'never') }),
        el('td', { class: 'small', text: fmtAgo(t.lastUsedAt) }),
        el('td', { class: 'actions' }, el('button', { type: 'button', class: 'danger small',
          onclick: () => revokeToken(t.name) }, 'Revoke'))));
    }
  }

  async function createToken(event) {
    event.preventDefault();
    const out = $('token-result');
    try {
      const request = { name: $('token-name').value.trim(), scope: $('token-scope').value };
      const days = $('token-days').value.trim();
      if (days) request.expiresAt = new Date(Date.now() + Number(days) * 86400000).toISOString();
      const r = await api('POST', '/api/tokens', request);
      setResult(out, el('div', { class: 'token-once' },
        el('div', null, 'Token ' + r.name + ' (' + r.scope + (r.expiresAt ? ', expires ' + fmtTime(r.expiresAt) : '')
          + ') — copy it now, it is shown only once:'),
        el('div', { id: 'token-value', class: 'mono' }, r.token)), true);
      $('token-form').reset();
      refresh();
    } catch (e) {
      setResult(out, e.message, false);
    }
  }

  async function revokeToken(name) {
    const v = await ask('Revoke token ' + name + '?', [], 'Revoke');
    if (!v) return;
    act(api('DELETE', '/api/tokens/' + encodeURIComponent(name)));
  }

  // session

  async function login(event) {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      state.session = await api('POST', '/api/session',
        { username: $('login-user').value.trim(), password: $('login-password').value });
      $('login-password').value = '';
      route();
    } catch (e) {
      $('login-error').textContent = e.message;
    }
  }

  async function changePassword(event) {
    event.preventDefault();
    const err = $('pw-error');
    err.textContent = '';
    if ($('pw-new').value !== $('pw-again').value) {
      err.textContent = 'The two new passwords differ.';
      return;
    }
    try {
      state.session = await api('POST', '/api/session/password',
        { currentPassword: $('pw-current').value, newPassword: $('pw-new').value });
      route();
    } catch (e) {
      err.textContent = e.message;
    }
  }

  async function logout() {
    try { await api('DELETE', '/api/session'); } catch (e) { /* the session is gone either way */ }
    state.session = null;
    show('login');
  }

  async function boot() {
    $('login-form').addEventListener('submit', login);
    $('password-form').addEventListener('submit', changePassword);
    $('enrol-form').addEventListener('submit', enrol);
    $('generate-form').addEventListener('submit', generate);
    $('claim-form').addEventListener('submit', makeClaim);
    $('token-form').addEventListener('submit', createToken);
    $('plugin-upload-form').addEventListener('submit', uploadPlugin);
    $('worker-form').addEventListener('submit', enrolWorker);
    $('messages-close').addEventListener('click', closeMessages);
    $('client-search').addEventListener('input', renderClients);
    $('logout').addEventListener('click', logout);
    $('settings-password').addEventListener('click', () => show('password'));
    $('pw-cancel').addEventListener('click', route);
    window.addEventListener('resize', () => { if (state.page === 'dashboard') drawChart(rateSeries()); });
    $('audit-newest').addEventListener('click', () => { state.auditBefore = null; refresh(); });
    $('audit-older').addEventListener('click', () => { if (state.auditLast) { state.auditBefore = state.auditLast; refresh(); } });
    window.addEventListener('hashchange', route);
    try {
      state.session = await api('GET', '/api/session');
    } catch (e) {
      state.session = null;
    }
    route();
    setInterval(() => refresh(true), POLL_MS);
  }

  document.addEventListener('DOMContentLoaded', boot);
})();
