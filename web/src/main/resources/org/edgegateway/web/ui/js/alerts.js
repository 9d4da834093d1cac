// The strip under the top bar, on every page, while clients are quarantined or addresses banned:
// how many, and the way to the page that lists them. Read every 10 s, at once when the session
// changes (a login), and after each admin action; not with every poll of the page shown.
import { api, session } from './api.js';
import { $, clear, el } from './dom.js';

const EVERY_MS = 10 * 1000;

let readFor = null;  // the session the last read was made in
let next = 0;        // when (ms) to read again

/** Reads the quarantined clients and the bans, and shows or hides the strip. */
export async function refresh(bg) {
  const s = session();
  if (!s || s.mustChangePassword) {
    $('alerts').hidden = true;
    return;
  }
  let quarantined;
  let bans;
  try {
    [quarantined, bans] = await Promise.all([api('GET', '/api/clients?status=quarantined&limit=1', undefined, bg),
      api('GET', '/api/bans', undefined, bg)]);
  } catch (e) {
    return;  // api() shows what went wrong
  }
  show(quarantined.total, bans.length);
}

function show(quarantined, banned) {
  const box = clear($('alerts'));
  const parts = [];
  if (quarantined) parts.push(quarantined + (quarantined === 1 ? ' client is' : ' clients are') + ' quarantined');
  if (banned) parts.push(banned + (banned === 1 ? ' address is' : ' addresses are') + ' banned');
  box.hidden = !parts.length;
  if (parts.length) {
    box.append(parts.join(', ') + '. ', el('a', { id: 'alerts-link', href: '#quarantine' }, 'See quarantine and bans'));
  }
}

/** Called by the poll: reads in the background when 10 s have passed or the session is another. */
export function tick() {
  const s = session();
  if (s === readFor && Date.now() < next) return;
  readFor = s;
  next = Date.now() + EVERY_MS;
  refresh(true);
}
