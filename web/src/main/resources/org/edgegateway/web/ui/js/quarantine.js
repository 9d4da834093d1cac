// The quarantine and bans page: quarantined and revoked clients, and the addresses banned after
// failed handshakes.
import { confirmAct } from './actions.js';
import { api, pathOf } from './api.js';
import { release } from './clients.js';
import { button, el, fillList, fillTable, when } from './dom.js';
import { fmtNum } from './format.js';

export async function refresh(bg) {
  await Promise.all([refreshQuarantine(bg), refreshBans(bg)]);
}

async function refreshQuarantine(bg) {
  const clients = await api('GET', '/api/clients', undefined, bg);
  const withStatus = (s) => clients.filter((c) => String(c.status).toUpperCase() === s);
  fillTable('quarantine', withStatus('QUARANTINED').map((c) => el('tr', { 'data-client': c.name },
    el('td', { text: c.name }),
    el('td', { class: 'reason', text: c.quarantineReason || '' }),
    el('td', null, c.quarantineUntil ? when(c.quarantineUntil) : 'until released'),
    el('td', { class: 'actions' }, button('secondary small', 'release', 'Release', () => release(c.name))))));
  fillList('revoked-list', withStatus('REVOKED').map((c) => el('li', null, c.name + ' ',
    el('span', { class: 'mono small muted key', text: c.publicKey }))), 'none');
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
