// The audit log page, newest first, fifty entries a page, filtered by the gateway (actor, action,
// client, time) and exported as CSV with the same filter. #audit/client=NAME opens it filtered.
import { ApiError, api } from './api.js';
import { $, el, fillTable, setResult, when } from './dom.js';
import { refresh as refreshPage } from './router.js';

const PAGE_SIZE = 50;
const FIELDS = ['actor', 'action', 'client', 'from', 'to'];

let before = null;  // the id the shown page starts below, or null for the newest
let last = null;    // the id of the last entry shown
let filter = new URLSearchParams();  // the filter applied, as the API takes it

export function bind() {
  $('audit-newest').addEventListener('click', () => { before = null; refreshPage(); });
  $('audit-older').addEventListener('click', () => { if (last) { before = last; refreshPage(); } });
  $('audit-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    apply(fromForm());
  });
  $('audit-filter').addEventListener('reset', () => apply(new URLSearchParams()));
}

/** {@code arg}: a filter in the address (#audit/client=NAME), else none. */
export function onShow(arg) {
  const p = new URLSearchParams(arg || '');
  for (const f of FIELDS) {
    const input = $('audit-' + f);
    input.value = input.type === 'datetime-local' ? '' : p.get(f) || '';
  }
  use(fromForm());
}

/** The filter the form holds; the times the browser reads as local are sent as UTC instants. */
function fromForm() {
  const p = new URLSearchParams();
  for (const f of FIELDS) {
    const input = $('audit-' + f);
    const v = input.value.trim();
    if (!v) continue;
    p.set(f, input.type === 'datetime-local' ? new Date(v).toISOString() : v);
  }
  return p;
}

/** Shows the newest entries {@code p} selects, from the next refresh on. */
function use(p) {
  filter = p;
  before = null;
  $('audit-export').href = '/api/audit.csv?' + filter;
  setResult($('audit-filter-result'), '', true);
}

function apply(p) {
  use(p);
  refreshPage();
}

export async function refresh(bg) {
  const p = new URLSearchParams(filter);
  p.set('limit', PAGE_SIZE);
  if (before) p.set('before', before);
  let rows;
  try {
    rows = await api('GET', '/api/audit?' + p, undefined, bg);
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      setResult($('audit-filter-result'), e.message, false);
      fillTable('audit', []);
      return;
    }
    throw e;
  }
  fillTable('audit', rows.map((e) => el('tr', null,
    el('td', { class: 'small' }, when(e.at)),
    el('td', { text: e.actor }),
    el('td', { class: 'mono small', text: e.action }),
    el('td', { text: e.subject || '' }),
    el('td', { class: 'opt small', text: e.detail || '' }),
    el('td', { class: 'opt mono small', text: e.source || '' }))));
  last = rows.length ? rows[rows.length - 1].id : null;
  $('audit-older').disabled = rows.length < PAGE_SIZE;
}
