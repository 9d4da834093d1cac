// What an admin does to one client, from the clients list and from the client's own page: quarantine,
// release, limits, revoke. Each asks first where it must, then reloads the page shown.
import { act, confirmAct } from './actions.js';
import { api, pathOf } from './api.js';
import { ask, button } from './dom.js';

/** The buttons of the actions {@code c}'s status allows, each with its data-action. */
export function actionButtons(c) {
  const status = String(c.status).toUpperCase();
  const out = [];
  if (status === 'ACTIVE') out.push(button('secondary small', 'quarantine', 'Quarantine', () => quarantine(c.name)));
  if (status === 'QUARANTINED') out.push(button('secondary small', 'release', 'Release', () => release(c.name)));
  if (status !== 'REVOKED') {
    out.push(button('secondary small', 'limits', 'Limits', () => limits(c)));
    out.push(button('danger small', 'revoke', 'Revoke', () => revoke(c.name)));
  }
  return out;
}

async function quarantine(name) {
  const v = await ask('Quarantine ' + name, [
    { name: 'reason', label: 'Reason', placeholder: 'why' },
    { name: 'minutes', label: 'For how many minutes (empty: until released)', type: 'number' },
  ], 'Quarantine');
  if (!v) return;
  const body = { reason: v.reason || 'by admin' };
  if (v.minutes) body.durationSeconds = Math.round(Number(v.minutes) * 60);
  act(api('POST', pathOf('/api/clients', name, 'quarantine'), body));
}

/** Lets a quarantined client in again (the quarantine page has the same button). */
export function release(name) {
  act(api('POST', pathOf('/api/clients', name, 'release')));
}

function revoke(name) {
  confirmAct('Revoke ' + name + '? Its key stops working at once and a live connection is cut.', 'Revoke',
    () => api('POST', pathOf('/api/clients', name, 'revoke')));
}

async function limits(c) {
  const l = c.limits || {};
  const v = await ask('Limits of ' + c.name + ' (empty: gateway default)', [
    { name: 'messagesPerSecond', label: 'Messages per second', type: 'number', value: l.messagesPerSecond },
    { name: 'burst', label: 'Burst (messages)', type: 'number', value: l.burst },
    { name: 'bytesPerSecond', label: 'Bytes per second', type: 'number', value: l.bytesPerSecond },
  ], 'Save');
  if (!v) return;
  const num = (s) => (s === '' ? null : Number(s));
  act(api('PUT', pathOf('/api/clients', c.name, 'limits'), {
    messagesPerSecond: num(v.messagesPerSecond), burst: num(v.burst), bytesPerSecond: num(v.bytesPerSecond),
  }));
}
