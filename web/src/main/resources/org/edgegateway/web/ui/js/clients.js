// The clients page: the enrolled keys with their state and actions, one client's recent messages
// (messages.js) and the two ways to add a client (add-client.js).
import { act, confirmAct } from './actions.js';
import * as addClient from './add-client.js';
import { api, pathOf } from './api.js';
import { $, ask, badge, button, el, fillTable, when } from './dom.js';
import { fmtLimits, fmtNum } from './format.js';
import * as messages from './messages.js';

let clients = [];  // the last list the gateway sent; the search filters it without asking again

export function bind() {
  $('client-search').addEventListener('input', render);
  messages.bind();
  addClient.bind();
}

export async function refresh(bg) {
  await Promise.all([refreshClients(bg), messages.refresh(bg)]);
}

async function refreshClients(bg) {
  clients = await api('GET', '/api/clients', undefined, bg);
  render();
}

function render() {
  const needle = $('client-search').value.trim().toLowerCase();
  const shown = clients.filter((c) => !needle || c.name.toLowerCase().includes(needle)
    || c.publicKey.toLowerCase().includes(needle));
  fillTable('clients', shown.map(row));
}

function row(c) {
  const actions = el('td', { class: 'actions' });
  const status = String(c.status).toUpperCase();
  if (status === 'ACTIVE') actions.append(button('secondary small', 'quarantine', 'Quarantine', () => quarantine(c.name)));
  if (status === 'QUARANTINED') actions.append(button('secondary small', 'release', 'Release', () => release(c.name)));
  if (status !== 'REVOKED') {
    actions.append(button('secondary small', 'limits', 'Limits', () => limits(c)));
    actions.append(button('danger small', 'revoke', 'Revoke', () => revoke(c.name)));
  }
  actions.append(button('secondary small', 'messages', 'Messages', () => messages.showMessages(c.name)));
  return el('tr', { 'data-client': c.name },
    el('td', null, el('div', { class: 'client-name', text: c.name }),
      el('div', { class: 'mono small muted key', text: c.publicKey })),
    el('td', null, badge(c.status),
      c.quarantineReason ? el('div', { class: 'small muted reason', text: c.quarantineReason }) : null,
      status === 'QUARANTINED' ? el('div', { class: 'small muted until' }, 'until ',
        c.quarantineUntil ? when(c.quarantineUntil) : 'released') : null),
    el('td', null, el('span', { class: 'dot' + (c.connected ? ' on' : '') }),
      c.connected ? (c.peerAddress || 'connected') : 'offline'),
    el('td', { class: 'opt' }, c.connected ? 'now' : when(c.lastSeen, true)),
    el('td', { class: 'opt' }, el('span', { class: 'messages-total', text: fmtNum(c.messages) }),
      c.connected ? el('div', { class: 'small muted this-connection',
        text: fmtNum(c.connectionMessages) + ' this connection' }) : null),
    el('td', { class: 'opt small', text: fmtLimits(c.limits) }),
    actions);
}

async function quarantine(name) {
  const v = await ask('Quarantine ' + name, [
    { name: 'reason', label: 'Reason', placeholder: 'why' },
    { name: 'minutes', label: 'For how many minutes (empty: until released)', type: 'number' },
  ], 'Quarantine');
  if (!v) return;
  const body = { reason: v.reason || 'by admin' };
  if (v.minutes) body.durationSeconds = Math.round(Number(v.minutes) * 60);
  act(api('POST', pathOf('/api/clients', name, 'quarantine'), body));
}

/** Lets a quarantined client in again (the quarantine page has the same button). */
export function release(name) {
  act(api('POST', pathOf('/api/clients', name, 'release')));
}

function revoke(name) {
  confirmAct('Revoke ' + name + '? Its key stops working at once and a live connection is cut.', 'Revoke',
    () => api('POST', pathOf('/api/clients', name, 'revoke')));
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
  act(api('PUT', pathOf('/api/clients', c.name, 'limits'), {
    messagesPerSecond: num(v.messagesPerSecond), burst: num(v.burst), bytesPerSecond: num(v.bytesPerSecond),
  }));
}
