// The admins page (the admin role only): the admin users with their role and state, a new one
// added, and each disabled, enabled, reset or given the other role. A password the gateway makes is
// shown here once; its owner replaces it at the first login.
import { confirmAct, confirmReversible, onSubmit } from './actions.js';
import { api, pathOf, session, setSession } from './api.js';
import { $, badge, button, el, fillTable, setResult, when } from './dom.js';
import { route } from './router.js';

/** The router opens this page for the admin role only. */
export const adminOnly = true;

export function bind() {
  onSubmit('admin-form', 'admin-result', async () => {
    const r = await api('POST', '/api/admins', { name: $('admin-name').value.trim(), role: $('admin-role').value });
    return once('Added ' + r.admin.role + ' ' + r.admin.name, r.password);
  });
}

export async function refresh(bg) {
  const admins = await api('GET', '/api/admins', undefined, bg);
  const me = session() ? session().user : '';
  fillTable('admins', admins.map((a) => {
    const other = a.role === 'admin' ? 'viewer' : 'admin';
    const actions = el('td', { class: 'actions' },
      a.disabled ? button('small', 'enable-admin', 'Enable', () => enable(a.name))
        : button('secondary small', 'disable-admin', 'Disable', () => disable(a.name, a.name === me)),
      button('danger small', 'reset-admin', 'Reset password', () => reset(a.name, a.name === me)),
      button('secondary small', 'role-admin', 'Make ' + other, () => role(a.name, other, a.name === me)));
    return el('tr', { 'data-admin': a.name },
      el('td', { text: a.name + (a.name === me ? ' (you)' : '') }),
      el('td', { text: a.role }),
      el('td', null, badge(a.disabled ? 'disabled' : 'active'),
        a.mustChangePassword ? el('div', { class: 'small muted', text: 'must change its password' }) : null),
      el('td', { class: 'opt small' }, when(a.createdAt)),
      el('td', { class: 'opt small' }, a.passwordChangedAt ? when(a.passwordChangedAt) : 'never'),
      el('td', { class: 'small' }, when(a.lastLoginAt, true)),
      actions);
  }));
}

/** What was done, with the password the gateway made shown once to copy. */
function once(done, password) {
  if (!password) return done + '.';
  return el('div', { class: 'token-once' },
    el('div', null, done + ' — copy the password now, it is shown only once and must be changed at the first login:'),
    el('div', { id: 'admin-password', class: 'mono key' }, password));
}

function disable(name, self) {
  confirmReversible('Disable ' + name + '? It cannot log in from now on, and its sessions end at once'
    + (self ? ': yours too.' : '.'), 'Disable', () => api('POST', pathOf('/api/admins', name, 'disable'), {}));
}

function enable(name) {
  confirmReversible('Enable ' + name + ' again, with its password and role?', 'Enable',
    () => api('POST', pathOf('/api/admins', name, 'enable'), {}));
}

function reset(name, self) {
  confirmAct('Reset the password of ' + name + '? Its sessions end' + (self ? ', yours too,' : '')
    + ' and it logs in with the new password shown here once, then chooses its own.', 'Reset password',
  () => api('POST', pathOf('/api/admins', name, 'reset'), {})
    .then((r) => setResult($('admins-result'), once('Reset the password of ' + r.admin.name, r.password), true)));
}

function role(name, next, self) {
  confirmReversible('Make ' + name + ' ' + (next === 'admin' ? 'an admin? It may change everything, the admin users included.'
    : 'a viewer? It reads every page but this one and changes nothing.'), 'Make ' + next,
  () => api('POST', pathOf('/api/admins', name, 'role'), { role: next }).then(async () => {
    if (self) {  // this session has the new role from now on: show what it may do
      setSession(await api('GET', '/api/session'));
      route();
    }
  }));
}
