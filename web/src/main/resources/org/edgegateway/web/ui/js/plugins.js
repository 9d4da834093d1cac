// The plugins page: each plugin's state and types, its start, stop, reload and unload, and the
// upload of a signed plugin.
import { act } from './actions.js';
import { api, pathOf } from './api.js';
import { $, ask, badge, button, el, fillTable, setResult } from './dom.js';
import { refresh as refreshPage } from './router.js';

export function bind() {
  $('plugin-upload-form').addEventListener('submit', upload);
}

export async function refresh(bg) {
  const plugins = await api('GET', '/api/plugins', undefined, bg);
  fillTable('plugins', plugins.map(row));
}

function row(p) {
  const actions = el('td', { class: 'actions' });
  const action = (name, label, cls) => button((cls || 'secondary') + ' small', name, label, () => pluginAction(p, name));
  if (String(p.state).toUpperCase() === 'STARTED') actions.append(action('stop', 'Stop'));
  else actions.append(action('start', 'Start'));
  actions.append(action('reload', 'Reload'));
  actions.append(action('unload', 'Unload', 'danger'));
  return el('tr', { 'data-plugin': p.id },
    el('td', null, el('div', { class: 'plugin-name', text: p.id + (p.version ? ' ' + p.version : '') }),
      el('div', { class: 'small muted', text: [p.provider, p.fileName, p.builtin ? 'built-in' : 'installed']
        .filter((x) => x).join(' · ') })),
    el('td', null, badge(p.state), p.reason ? el('div', { class: 'small muted reason', text: p.reason }) : null),
    el('td', { class: 'mono small types', text: (p.types || []).join(', ') || '–' }),
    el('td', { class: 'opt mono small', text: p.publisher || 'unsigned' }),
    actions);
}

async function pluginAction(p, action) {
  if (action === 'unload') {
    const v = await ask('Unload ' + p.id + '? It stops serving ' + ((p.types || []).join(', ') || 'its types')
      + ' until the gateway restarts; its file stays.', [], 'Unload', true);
    if (!v) return;
  }
  act(api('POST', pathOf('/api/plugins', p.id, action)));
}

// Not through onSubmit: a plugin installed but not serving is said as a failure, and the form is
// reset all the same.
async function upload(event) {
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
    refreshPage();
  } catch (e) {
    setResult(out, e.message, false);
  }
}
