// The recent messages of one client, in a card of its page (client.js).
import { api, pathOf } from './api.js';
import { $, clear, el, fillTable, when } from './dom.js';
import { fmtNum } from './format.js';

const RECENT_LIMIT = 50;

let shownFor = null;  // the client whose recent messages are shown, or null

/** Shows the messages of {@code name} from the next refresh on (none: null). */
export function show(name) {
  shownFor = name;
  clear($('messages-table').tBodies[0]);
  $('messages-empty').hidden = true;
}

export async function refresh(bg) {
  const name = shownFor;
  if (!name) return;
  const rows = await api('GET', pathOf('/api/clients', name, 'messages?limit=' + RECENT_LIMIT), undefined, bg);
  if (shownFor !== name) return;
  fillTable('messages', rows.map((m) => {
    const ok = String(m.outcome).toUpperCase() === 'ACK';
    return el('tr', null,
      el('td', { class: 'small' }, when(m.receivedAt)),
      el('td', { class: 'mono small', text: m.type }),
      el('td', { class: 'opt small', text: fmtNum(m.size) + ' B' }),
      el('td', { class: 'mono small preview', text: m.preview || '' }),
      el('td', { class: 'small' }, el('span', { class: 'outcome ' + (ok ? 'ok' : 'bad'), text: m.outcome }),
        m.detail && !ok ? el('div', { class: 'muted', text: m.detail }) : null));
  }));
}
