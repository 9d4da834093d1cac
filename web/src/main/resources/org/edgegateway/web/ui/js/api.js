// The admin API over fetch: the session and its CSRF token, JSON in and out, failures as ApiError.
import { hideBanner, showBanner } from './dom.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let current = null;          // the session the gateway answered at login, or null
let authLost = () => {};     // told 'login' (the session ended) or 'password' (it must change first)

export function session() {
  return current;
}

export function setSession(s) {
  current = s;
}

/** Names what happens when a call finds the session gone or a password change pending. */
export function onAuthLost(handler) {
  authLost = handler;
}

/**
 * Calls the API. A call made by the background poll says so (X-EGW-Background), so that the
 * server does not count it as the admin's activity: an open page alone keeps no session alive.
 */
export async function api(method, path, body, background) {
  const headers = {};
  if (background) headers['X-EGW-Background'] = '1';
  const options = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && current && current.csrfToken) {
    headers['X-CSRF-Token'] = current.csrfToken;
  }
  if (body instanceof FormData) {
    options.body = body;  // the browser sets multipart/form-data with its boundary
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, options);
  } catch (e) {
    showBanner('Lost contact with the gateway; retrying.');
    throw new ApiError(0, 'NETWORK', 'the gateway cannot be reached');
  }
  hideBanner();
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, (data && data.error) || 'HTTP_' + res.status,
      (data && data.message) || res.statusText);
    if (res.status === 401 && !(method === 'POST' && path === '/api/session')) {
      current = null;
      authLost('login');
    } else if (err.code === 'PASSWORD_CHANGE_REQUIRED') {
      authLost('password');
    }
    throw err;
  }
  return data;
}

/** The path of one named thing under {@code base}, e.g. pathOf('/api/clients', name, 'revoke'). */
export function pathOf(base, name, ...rest) {
  return [base, encodeURIComponent(name), ...rest].join('/');
}
