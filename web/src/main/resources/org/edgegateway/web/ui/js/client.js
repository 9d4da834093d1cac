// One client's page, #client/NAME: its state and the actions on it, its messages per 10 seconds as the
// gateway kept them (the last 10 minutes, so the chart is full when the page opens), its recent
// messages (messages.js), its connections and disconnections since the gateway started, its status
// history and its audit entries (both from the audit log, filtered by the gateway).
import { api, pathOf } from './api.js';
import { lineChart } from './chart.js';
import { actionButtons } from './client-actions.js';
import { $, badge, clear, el, fillTable, when } from './dom.js';
import { fmtLimits, fmtNum } from './format.js';
import * as messages from './messages.js';
import { currentPage } from './router.js';

/** The navigation bar shows this page under Clients. */
export const nav = 'clients';

// The audit actions that change a client's status, and how the history names them.
const STATUS_EVENTS = {
  'client.enrol': 'enrolled', 'claim.enrol': 'enrolled on a claim', 'client.approve': 'approved',
  'client.reject': 'rejected', 'client.quarantine': 'quarantined', 'client.release': 'released',
  'client.revoke': 'revoked',
};
const AUDIT_LIMIT = 50;
const RATES_SPAN_MS = 10 * 60 * 1000;  // the gateway keeps 10 minutes of 10-second points

let name = null;  // the client shown
let rates = null;  // its rates as last read, drawn again when the window changes size

export function bind() {
  window.addEventListener('resize', () => { if (currentPage() === 'client' && rates) drawRates($('client-rates'), rates); });
}

export function onShow(arg) {
  name = arg || null;
  rates = null;
  $('client-title').textContent = name || '';
  $('client-missing').hidden = true;
  for (const id of ['client-actions', 'client-facts', 'client-rates']) clear($(id));
  for (const t of ['client-connections', 'client-history', 'client-audit']) fillTable(t, []);
  const audit = new URLSearchParams({ client: name || '' });
  $('client-audit-export').href = '/api/audit.csv?' + audit;
  $('client-audit-all').href = '#audit/' + audit;
  messages.show(name);
}

export function onHide() {
  name = null;
  messages.show(null);
}

export async function refresh(bg) {
  const shown = name;
  if (!shown) return;
  let client;
  try {
    client = await api('GET', pathOf('/api/clients', shown), undefined, bg);
  } catch (e) {
    if (e.status === 404) {
      $('client-missing').textContent = 'No client named ' + shown + ' is enrolled.';
      $('client-missing').hidden = false;
    }
    throw e;
  }
  const audit = (extra) => api('GET', '/api/audit?' + new URLSearchParams({ client: shown, limit: AUDIT_LIMIT, ...extra }),
    undefined, bg);
  const [perPoint, connections, history, entries] = await Promise.all([
    api('GET', pathOf('/api/clients', shown, 'rates'), undefined, bg),
    api('GET', pathOf('/api/clients', shown, 'connections'), undefined, bg),
    audit({ action: Object.keys(STATUS_EVENTS).join(',') }),
    audit({}),
    messages.refresh(bg)]);
  if (name !== shown) return;
  showState(client);
  rates = perPoint;
  drawRates($('client-rates'), rates);
  fillTable('client-connections', connections.map((c) => el('tr', null,
    el('td', { class: 'small' }, when(c.at)),
    el('td', null, el('span', { class: 'dot' + (c.event === 'CONNECTED' ? ' on' : '') }), c.event.toLowerCase()),
    el('td', { class: 'mono small', text: c.peerAddress || '' }),
    el('td', { class: 'opt', text: c.event === 'CONNECTED' ? '' : fmtNum(c.messages) + ' messages' }))));
  fillTable('client-history', history.map((e) => el('tr', null,
    el('td', { class: 'small' }, when(e.at)),
    el('td', null, STATUS_EVENTS[e.action] || e.action),
    el('td', { text: e.actor }),
    el('td', { class: 'opt small', text: e.detail || '' }))));
  fillTable('client-audit', entries.map((e) => el('tr', null,
    el('td', { class: 'small' }, when(e.at)),
    el('td', { text: e.actor }),
    el('td', { class: 'mono small', text: e.action }),
    el('td', { class: 'opt small', text: e.detail || '' }),
    el('td', { class: 'opt mono small', text: e.source || '' }))));
}

function showState(c) {
  const actions = clear($('client-actions'));
  actions.append(...actionButtons(c));
  const facts = [
    ['Status', badge(c.status)],
    ['Public key', el('span', { class: 'mono key', text: c.publicKey })],
    ['Connection', el('span', null, el('span', { class: 'dot' + (c.connected ? ' on' : '') }),
      c.connected ? (c.peerAddress || 'connected') : 'offline')],
    ['Last seen', c.connected ? 'now' : when(c.lastSeen, true)],
    ['Messages since the gateway started', fmtNum(c.messages)
      + (c.connected ? ' (' + fmtNum(c.connectionMessages) + ' on this connection)' : '')],
    ['Limits', fmtLimits(c.limits)],
    ['Enrolled', el('span', null, when(c.enrolledAt), ' by ' + c.enrolledBy)],
  ];
  if (String(c.status).toUpperCase() === 'QUARANTINED') {
    facts.push(['Quarantined', el('span', null, (c.quarantineReason || '') + ', until ',
      c.quarantineUntil ? when(c.quarantineUntil) : 'released')]);
  }
  clear($('client-facts')).append(...facts.flatMap(([label, value]) => [el('dt', { text: label }), el('dd', null, value)]));
}

/** The messages of each 10-second point the gateway kept, over a 10-minute window that ends at the newest. */
function drawRates(box, r) {
  const values = r.messages || [];
  lineChart(box, { endMs: Date.parse(r.end), stepMs: r.stepSeconds * 1000, spanMs: RATES_SPAN_MS,
    xLabels: ['−10 min', '−5 min', 'now'], counts: true, fmt: (v) => fmtNum(v),
    series: [{ name: 'messages', label: 'messages per ' + r.stepSeconds + ' s', values, scale: 1 }] });
  const sum = values.reduce((a, b) => a + b, 0);
  box.append(el('p', { class: 'muted small', text: values.length
    ? fmtNum(sum) + ' messages in the last ' + Math.ceil(values.length * r.stepSeconds / 60) + ' min'
    : 'No message in the last 10 minutes.' }));
}
