// Which page is shown, and the refresh that keeps it current. The pages register here (app.js does
// it), so the router imports none of them.
//
// A page is an object (a page module's namespace will do) with, each optional:
//   refresh(bg)  reloads its data; bg when the poll does it rather than the admin
//   onShow(arg)  runs when the page is shown; arg is what follows its name in the address
//                (#client/sensor-7 shows page client with arg sensor-7), else undefined
//   onHide()     runs whenever another page is shown
//   nav          the link of the navigation bar marked while it is shown (else its own)
//   adminOnly    true for a page of the admin role only: a viewer is never shown it
//
// The body carries the session's role (data-role), so that app.css offers a viewer no change;
// the API refuses a viewer's changes whatever the page shows.
import { ApiError, onAuthLost, session } from './api.js';
import { $, showBanner } from './dom.js';

const pages = new Map();     // name -> page, in the order registered
const routable = new Set();  // the names a location hash may open
let current = null;
let polling = false;

/** Adds a page whose section is #page-NAME; {@code byHash} when #NAME in the address opens it. */
export function register(name, page, byHash) {
  pages.set(name, page);
  if (byHash) routable.add(name);
}

export function currentPage() {
  return current;
}

export function show(page, arg) {
  current = page;
  for (const name of pages.keys()) $('page-' + name).hidden = name !== page;
  const loggedIn = !!session() && page !== 'login';
  $('nav').hidden = !loggedIn || page === 'password';
  $('logout').hidden = !loggedIn;
  $('who').textContent = loggedIn ? session().user + (session().role === 'viewer' ? ' (viewer)' : '') : '';
  document.body.dataset.role = loggedIn ? session().role : '';
  const marked = (pages.get(page) && pages.get(page).nav) || page;
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.page === marked);
  }
  for (const [name, p] of pages) {
    if (name === page && p.onShow) p.onShow(arg);
    else if (name !== page && p.onHide) p.onHide();
  }
  refresh();
}

export function route() {
  const s = session();
  if (!s) { show('login'); return; }
  if (s.mustChangePassword) { show('password'); return; }
  const [page, ...rest] = location.hash.replace('#', '').split('/');
  if (!routable.has(page) || (pages.get(page).adminOnly && s.role !== 'admin')) { show('dashboard'); return; }
  let arg;
  try {
    arg = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  } catch (e) {
    show('dashboard');  // a malformed escape in the address
    return;
  }
  show(page, arg);
}

onAuthLost(show);

/** Reloads the shown page's data; {@code bg} when the poll does it rather than the admin. */
export async function refresh(bg) {
  const s = session();
  if (polling || !s || s.mustChangePassword) return;
  const page = pages.get(current);
  if (!page || !page.refresh) return;
  polling = true;
  try {
    await page.refresh(bg);
  } catch (e) {
    if (!(e instanceof ApiError)) showBanner('The page failed to update: ' + e.message);
  } finally {
    polling = false;
  }
}
