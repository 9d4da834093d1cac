// DOM helpers of the admin UI. Everything the gateway sends is put into the page with textContent or
// text nodes, never innerHTML.
import { fmtAgo, fmtTime, timeParts } from './format.js';

export const $ = (id) => document.getElementById(id);

/** Builds an element; strings become text nodes, so data can never become markup. */
export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/**
 * A time as format.js writes it, in a {@code <time>} that may break between its UTC and local halves
 * but never inside them (an ISO date would break at its hyphens); {@code ago} adds how long ago.
 */
export function when(iso, ago) {
  const parts = timeParts(iso, ago);
  if (!parts) return document.createTextNode(ago ? fmtAgo(iso) : fmtTime(iso));
  return el('time', { datetime: iso }, el('span', { class: 'nobr', text: parts[0] }), ' ',
    el('span', { class: 'nobr', text: parts[1] }));
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** A row's button; {@code action} becomes data-action (the tests find buttons by it). */
export function button(cls, action, label, onclick) {
  return el('button', { type: 'button', class: cls, 'data-action': action, onclick }, label);
}

/**
 * Replaces the rows of table {@code NAME-table} and, where the page has one, shows the note
 * {@code NAME-empty} only when there is no row.
 */
export function fillTable(name, rows) {
  clear($(name + '-table').tBodies[0]).append(...rows);
  const empty = $(name + '-empty');
  if (empty) empty.hidden = rows.length > 0;
}

/** Replaces the items of list {@code id}; with none, one muted item says {@code emptyText}. */
export function fillList(id, items, emptyText) {
  const list = clear($(id));
  if (items.length) list.append(...items);
  else list.append(el('li', { class: 'muted', text: emptyText }));
}

export function badge(status) {
  const s = String(status || '').toLowerCase();
  return el('span', { class: 'badge ' + s, text: s });
}

export function setResult(node, text, ok) {
  clear(node);
  node.className = 'result ' + (ok ? 'ok' : 'bad');
  if (text instanceof Node) node.append(text); else node.textContent = text;
}

export function showBanner(text) {
  const b = $('banner');
  b.textContent = text;
  b.hidden = false;
}

export function hideBanner() {
  $('banner').hidden = true;
}

/**
 * Shows a modal form; resolves with {name: value} on OK, or null on cancel. {@code destructive}: its
 * OK button is red, for an action that cannot be taken back.
 */
export function ask(title, fields, okText, destructive) {
  const dialog = $('dialog');
  $('dialog-title').textContent = title;
  $('dialog-ok').textContent = okText || 'OK';
  $('dialog-ok').classList.toggle('destructive', !!destructive);
  const box = clear($('dialog-fields'));
  const inputs = {};
  for (const f of fields) {
    const input = el('input', { id: 'dialog-' + f.name, type: f.type || 'text', placeholder: f.placeholder || '' });
    if (f.value !== undefined && f.value !== null) input.value = f.value;
    inputs[f.name] = input;
    box.append(el('label', null, f.label, input));
  }
  return new Promise((resolve) => {
    const onCancel = () => dialog.close('cancel');
    $('dialog-cancel').addEventListener('click', onCancel, { once: true });
    dialog.addEventListener('close', () => {
      $('dialog-cancel').removeEventListener('click', onCancel);
      if (dialog.returnValue !== 'ok') { resolve(null); return; }
      const out = {};
      for (const [k, input] of Object.entries(inputs)) out[k] = input.value.trim();
      resolve(out);
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}
