// The settings page: what sensors need to know of the gateway, the API tokens, and the way to
// the password change.
import { confirmAct, onSubmit } from './actions.js';
import { api, pathOf } from './api.js';
import { $, button, el, fillTable, when } from './dom.js';
import { fmtTime } from './format.js';
import { show } from './router.js';

export function bind() {
  onSubmit('token-form', 'token-result', createToken);
  $('settings-password').addEventListener('click', () => show('password'));
}

export async function onShow() {
  try {
    const info = await api('GET', '/api/info');
    $('info-server-key').textContent = info.serverPublicKey;
    $('info-endpoint').textContent = info.clientEndpoint;
    $('info-fingerprint').textContent = info.certificateFingerprint || 'no TLS';
  } catch (e) { /* shown by api() */ }
}

export async function refresh(bg) {
  const tokens = await api('GET', '/api/tokens', undefined, bg);
  fillTable('tokens', tokens.filter((x) => !x.revokedAt).map((t) => el('tr', { 'data-token': t.name },
    el('td', { text: t.name }),
    el('td', { class: 'small', text: t.scope }),
    el('td', { class: 'opt small' }, when(t.createdAt)),
    el('td', { class: 'small' }, t.expired ? 'expired ' : null, t.expiresAt ? when(t.expiresAt) : 'never'),
    el('td', { class: 'small' }, when(t.lastUsedAt, true)),
    el('td', { class: 'actions' }, button('danger small', undefined, 'Revoke', () => revokeToken(t.name))))));
}

async function createToken() {
  const request = { name: $('token-name').value.trim(), scope: $('token-scope').value };
  const days = $('token-days').value.trim();
  if (days) request.expiresAt = new Date(Date.now() + Number(days) * 86400000).toISOString();
  const r = await api('POST', '/api/tokens', request);
  return el('div', { class: 'token-once' },
    el('div', null, 'Token ' + r.name + ' (' + r.scope + (r.expiresAt ? ', expires ' + fmtTime(r.expiresAt) : '')
      + ') — copy it now, it is shown only once:'),
    el('div', { id: 'token-value', class: 'mono key' }, r.token));
}

function revokeToken(name) {
  confirmAct('Revoke token ' + name + '?', 'Revoke', () => api('DELETE', pathOf('/api/tokens', name)));
}
