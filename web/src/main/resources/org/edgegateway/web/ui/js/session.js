// Logging in, the password change (forced at the first login) and logging out. The login and
// password pages are shown by the router like the others, but no address opens them.
import { api, session, setSession } from './api.js';
import { $ } from './dom.js';
import { route, show } from './router.js';

export const loginPage = {
  onShow() {
    $('login-password').value = '';
    $('login-password').focus();
  },
};

export const passwordPage = {
  onShow() {
    for (const id of ['pw-current', 'pw-new', 'pw-again']) $(id).value = '';
    $('pw-error').textContent = '';
    const s = session();
    $('pw-cancel').hidden = !s || s.mustChangePassword;
  },
};

export function bind() {
  $('login-form').addEventListener('submit', login);
  $('password-form').addEventListener('submit', changePassword);
  $('logout').addEventListener('click', logout);
  $('pw-cancel').addEventListener('click', route);
}

async function login(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    setSession(await api('POST', '/api/session',
      { username: $('login-user').value.trim(), password: $('login-password').value }));
    $('login-password').value = '';
    route();
  } catch (e) {
    $('login-error').textContent = e.message;
  }
}

async function changePassword(event) {
  event.preventDefault();
  const err = $('pw-error');
  err.textContent = '';
  if ($('pw-new').value !== $('pw-again').value) {
    err.textContent = 'The two new passwords differ.';
    return;
  }
  try {
    setSession(await api('POST', '/api/session/password',
      { currentPassword: $('pw-current').value, newPassword: $('pw-new').value }));
    route();
  } catch (e) {
    err.textContent = e.message;
  }
}

async function logout() {
  try { await api('DELETE', '/api/session'); } catch (e) { /* the session is gone either way */ }
  setSession(null);
  show('login');
}
