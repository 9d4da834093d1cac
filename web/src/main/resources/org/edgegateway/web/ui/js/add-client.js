// The two ways to add a client on the clients page: enrol a key the sensor made, or generate a
// key pair here and hand over its bundle as one download.
import { onSubmit } from './actions.js';
import { api } from './api.js';
import { $, el } from './dom.js';

export function bind() {
  onSubmit('enrol-form', 'enrol-result', enrol);
  onSubmit('generate-form', 'generate-result', generate);
}

async function enrol() {
  const body = { name: $('enrol-name').value.trim() };
  const file = $('enrol-file').files[0];
  if (file) body.certificate = await file.text(); else body.publicKey = $('enrol-key').value.trim();
  const c = await api('POST', '/api/clients', body);
  return 'Enrolled ' + c.name + '.';
}

async function generate(out) {
  const r = await api('POST', '/api/clients/generate',
    { name: $('generate-name').value.trim(), format: $('generate-format').value });
  const fileName = r.fileName || (r.client.name + '.zip');
  const link = el('a', { id: 'bundle-link', href: r.bundle, download: fileName }, 'Download ' + fileName);
  const note = el('span', { id: 'bundle-status' }, ' — one download, within 10 minutes.');
  link.addEventListener('click', (e) => {
    e.preventDefault();
    downloadBundle(r.bundle, fileName, r.client.name, out, note);
  });
  return el('span', null, 'Enrolled. ', link, note);
}

// Fetches the bundle and saves it only when the gateway sent it: the result line says what
// happened, and an error (a second download, an expired bundle) never replaces the page.
async function downloadBundle(url, fileName, clientName, out, note) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    out.className = 'result bad';
    note.textContent = ' — the download failed: the gateway cannot be reached. Try again.';
    return;
  }
  if (!res.ok) {
    let message = 'HTTP ' + res.status;
    try {
      const data = await res.json();
      if (data && data.message) message = data.message;
    } catch (e) { /* not JSON */ }
    out.className = 'result bad';
    note.textContent = ' — the download failed: ' + message + '. To start again, revoke ' + clientName
      + ' and generate a new key pair.';
    return;
  }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = el('a', { href, download: fileName, hidden: 'hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60000);
  out.className = 'result ok';
  note.textContent = ' — Bundle downloaded (' + fileName + '). Unpack it on the sensor; it is the only copy of'
    + ' the secret key.';
}
