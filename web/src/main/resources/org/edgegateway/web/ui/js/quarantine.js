// The quarantine and bans page: quarantined and revoked clients, and the addresses banned after
// failed handshakes.
import { confirmAct } from './actions.js';
import { api, pathOf } from './api.js';
import { release } from './client-actions.js';
import { $, button, el, fillList, fillTable, when } from './dom.js';
import { fmtNum } from './format.js';

export async function refresh(bg) {
  await Promise.all([refreshQuarantine(bg), refreshBans(bg)]);
}

// The largest page the API gives; more clients in either state are counted, not listed.
const SHOWN = 500;

async function refreshQuarantine(bg) {
  const [quarantined, revoked] = await Promise.all(['quarantined', 'revoked'].map((status) =>
    api('GET', '/api/clients?status=' + status + '&limit=' + SHOWN, undefined, bg)));
  fillTable('quarantine', quarantined.clients.map((c) => el('tr', { 'data-client': c.name },
    el('td', { text: c.name }),
    el('td', { class: 'reason', text: c.quarantineReason || '' }),
    el('td', null, c.quarantineUntil ? when(c.quarantineUntil) : 'until released'),
    el('td', { class: 'actions' }, button('secondary small', 'release', 'Release', () => release(c.name))))));
  $('quarantine-more').textContent = unlisted(quarantined);
  fillList('revoked-list', revoked.clients.map((c) => el('li', null, c.name + ' ',
    el('span', { class: 'mono small muted key', text: c.publicKey }))), 'none');
  $('revoked-more').textContent = unlisted(revoked);
}

/** What a page of clients leaves out, in words, or nothing. */
function unlisted(page) {
  const left = page.total - page.clients.length;
  return left > 0 ? fmtNum(left) + ' more are not listed here; the Clients page filters by status.' : '';
}

async function refreshBans(bg) {
  const bans = await api('GET', '/api/bans', undefined, bg);
  fillTable('bans', bans.map((b) => el('tr', { 'data-address': b.address },
    el('td', { class: 'mono', text: b.address }),
    el('td', { class: 'reason small', text: b.reason || '' }),
    el('td', { class: 'opt small' }, when(b.since)),
    el('td', { class: 'small' }, when(b.until)),
    el('td', { class: 'opt', text: fmtNum(b.refusals) }),
    el('td', { class: 'actions' }, button('secondary small', 'unban', 'Lift', () => unban(b.address))))));
}

function unban(address) {
  confirmAct('Lift the ban on ' + address + '? Its handshakes are accepted again at once.', 'Lift ban',
    () => api('DELETE', pathOf('/api/bans', address)));
}
