// The workers page: the workers' endpoint, each enrolled worker with its connections, and the
// enrolment of a worker's key.
import { confirmAct, onSubmit } from './actions.js';
import { api, pathOf } from './api.js';
import { $, button, el, fillTable, when } from './dom.js';
import { fmtNum } from './format.js';

export function bind() {
  onSubmit('worker-form', 'worker-result', async () => {
    const w = await api('POST', '/api/workers', { name: $('worker-name').value.trim(), publicKey: $('worker-key').value.trim() });
    return 'Enrolled worker ' + w.name + '.';
  });
}

export async function refresh(bg) {
  const r = await api('GET', '/api/workers', undefined, bg);
  $('workers-endpoint').textContent = r.endpoint || '(workers are off: workers.enabled=false)';
  // One row per connection; a worker without one still has a row.
  fillTable('workers', r.workers.flatMap((w) => (w.connections.length ? w.connections : [null]).map((c, i) => {
    const actions = el('td', { class: 'actions' });
    if (w.status === 'active' && i === 0) {
      actions.append(button('danger small', 'revoke-worker', 'Revoke', () => revoke(w.name)));
    }
    return el('tr', { 'data-worker': w.name },
      el('td', null, el('div', { text: w.name }), el('div', { class: 'mono small muted key', text: w.publicKey })),
      el('td', { text: w.status === 'revoked' ? 'revoked' : (c ? 'connected' : 'not connected') }),
      el('td', { class: 'mono small', text: c ? c.types.join(', ') : '' }),
      el('td', { class: 'opt mono small', text: c ? c.peerAddress : '' }),
      el('td', { title: c ? (c.batched ? 'batched: the window adapts to how fast it answers' : 'classic') : '',
        text: c ? fmtNum(c.inFlight) + ' / ' + fmtNum(c.window) + (c.batched ? ' (batched)' : '') : '' }),
      el('td', { text: c ? fmtNum(c.served) : '' }),
      el('td', { text: c ? fmtNum(c.failed) : '' }),
      el('td', { class: 'opt small' }, c ? when(c.lastHeartbeat) : ''),
      actions);
  })));
}

function revoke(name) {
  confirmAct('Revoke worker ' + name + '? Its connections are cut at once and its key is refused from now on.',
    'Revoke worker', () => api('POST', pathOf('/api/workers', name, 'revoke'), {}));
}
