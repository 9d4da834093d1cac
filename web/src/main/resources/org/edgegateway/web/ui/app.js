// Edge Gateway admin UI: plain JavaScript modules, no framework, no build step, no inline script
// (the CSP forbids it). This entry registers the pages with the router, wires their forms and
// buttons, and starts the poll; each page is a module of js/ (see docs/ARCHITECTURE.md).
import * as admins from './js/admins.js';
import { api, setSession } from './js/api.js';
import * as alerts from './js/alerts.js';
import * as audit from './js/audit.js';
import * as client from './js/client.js';
import * as clients from './js/clients.js';
import * as dashboard from './js/dashboard.js';
import * as enrolment from './js/enrolment.js';
import * as plugins from './js/plugins.js';
import * as quarantine from './js/quarantine.js';
import { refresh, register, route } from './js/router.js';
import * as session from './js/session.js';
import * as settings from './js/settings.js';
import * as workers from './js/workers.js';

const POLL_MS = 1500;

// In the order of the navigation bar; each shows the section #page-NAME (client, one client's page,
// is reached from the clients list as #client/NAME).
const PAGES = { dashboard, clients, client, enrolment, quarantine, plugins, workers, audit, admins, settings };

async function boot() {
  register('login', session.loginPage, false);
  register('password', session.passwordPage, false);
  for (const [name, page] of Object.entries(PAGES)) register(name, page, true);
  session.bind();
  for (const page of Object.values(PAGES)) if (page.bind) page.bind();
  window.addEventListener('hashchange', route);
  try {
    setSession(await api('GET', '/api/session'));
  } catch (e) {
    setSession(null);
  }
  route();
  alerts.tick();
  setInterval(() => { refresh(true); alerts.tick(); }, POLL_MS);
}

document.addEventListener('DOMContentLoaded', boot);
