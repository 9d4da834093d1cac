// The clients list: a page at a time as the gateway sorts, searches and filters the enrolled clients
// (only the page shown is ever in the page, however many there are), each linked to its own page
// (client.js) with its actions; and the two ways to add a client (add-client.js).
import * as addClient from './add-client.js';
import { api } from './api.js';
import { actionButtons } from './client-actions.js';
import { $, badge, el, fillTable, when } from './dom.js';
import { fmtLimits, fmtNum } from './format.js';
import { refresh as refreshPage } from './router.js';

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

// What the admin asked to see; the poll asks the gateway for the same until it changes.
const view = { offset: 0, sort: 'name', order: 'asc', q: '', status: '' };
let typing = null;

export function bind() {
  $('client-search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => change({ q: $('client-search').value.trim() }), SEARCH_DELAY_MS);
  });
  $('clients-status').addEventListener('change', () => change({ status: $('clients-status').value }));
  for (const b of document.querySelectorAll('#clients-table button.sort')) {
    b.addEventListener('click', () => change(b.dataset.sort === view.sort
      ? { order: view.order === 'asc' ? 'desc' : 'asc' }
      : { sort: b.dataset.sort, order: b.dataset.order || 'asc' }));
  }
  $('clients-prev').addEventListener('click', () => move(-PAGE_SIZE));
  $('clients-next').addEventListener('click', () => move(PAGE_SIZE));
  addClient.bind();
}

/** A new search, filter or order starts at the first page. */
function change(what) {
  Object.assign(view, what, { offset: 0 });
  refreshPage();
}

function move(by) {
  view.offset = Math.max(0, view.offset + by);
  refreshPage();
}

function query() {
  const p = new URLSearchParams({ offset: view.offset, limit: PAGE_SIZE, sort: view.sort, order: view.order });
  if (view.q) p.set('q', view.q);
  if (view.status) p.set('status', view.status);
  return p.toString();
}

export async function refresh(bg) {
  const asked = query();
  const page = await api('GET', '/api/clients?' + asked, undefined, bg);
  if (asked !== query()) return refresh(bg);  // the admin changed the view meanwhile
  if (page.clients.length === 0 && view.offset > 0 && page.total > 0) {
    view.offset = Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE;  // the list shrank under this page
    return refresh(bg);
  }
  fillTable('clients', page.clients.map(row));
  const last = view.offset + page.clients.length;
  $('clients-range').textContent = page.total
    ? fmtNum(view.offset + 1) + '–' + fmtNum(last) + ' of ' + fmtNum(page.total) : '';
  $('clients-prev').disabled = view.offset === 0;
  $('clients-next').disabled = last >= page.total;
  for (const b of document.querySelectorAll('#clients-table button.sort')) {
    const th = b.closest('th');
    if (b.dataset.sort === view.sort) th.setAttribute('aria-sort', view.order === 'asc' ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
}

function row(c) {
  const status = String(c.status).toUpperCase();
  return el('tr', { 'data-client': c.name },
    el('td', null, el('a', { class: 'client-name', href: '#client/' + encodeURIComponent(c.name), text: c.name }),
      el('div', { class: 'mono small muted key', text: c.publicKey })),
    el('td', null, badge(c.status),
      c.quarantineReason ? el('div', { class: 'small muted reason', text: c.quarantineReason }) : null,
      status === 'QUARANTINED' ? el('div', { class: 'small muted until' }, 'until ',
        c.quarantineUntil ? when(c.quarantineUntil) : 'released') : null),
    el('td', null, el('span', { class: 'dot' + (c.connected ? ' on' : '') }),
      c.connected ? (c.peerAddress || 'connected') : 'offline'),
    el('td', { class: 'opt' }, c.connected ? 'now' : when(c.lastSeen, true)),
    el('td', { class: 'opt small' }, when(c.enrolledAt)),
    el('td', { class: 'opt' }, el('span', { class: 'messages-total', text: fmtNum(c.messages) }),
      c.connected ? el('div', { class: 'small muted this-connection',
        text: fmtNum(c.connectionMessages) + ' this connection' }) : null),
    el('td', { class: 'opt small', text: fmtLimits(c.limits) }),
    el('td', { class: 'actions' }, ...actionButtons(c)));
}
