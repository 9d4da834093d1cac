// The audit log page, newest first, fifty entries a page.
import { api } from './api.js';
import { $, el, fillTable, when } from './dom.js';
import { refresh as refreshPage } from './router.js';

const PAGE_SIZE = 50;

let before = null;  // the id the shown page starts below, or null for the newest
let last = null;    // the id of the last entry shown

export function bind() {
  $('audit-newest').addEventListener('click', () => { before = null; refreshPage(); });
  $('audit-older').addEventListener('click', () => { if (last) { before = last; refreshPage(); } });
}

export function onShow() {
  before = null;
}

export async function refresh(bg) {
  const rows = await api('GET', '/api/audit?limit=' + PAGE_SIZE + (before ? '&before=' + before : ''), undefined, bg);
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
