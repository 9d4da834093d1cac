// The enrolment page: sensors waiting for approval, and the claims sensors enrol with.
import { act, confirmAct } from './actions.js';
import { api, pathOf } from './api.js';
import { $, badge, button, el, fillTable, setResult, when } from './dom.js';
import { refresh as refreshPage } from './router.js';

export function bind() {
  $('claim-form').addEventListener('submit', makeClaim);
}

export async function refresh(bg) {
  await Promise.all([refreshPending(bg), refreshClaims(bg)]);
}

/** A claim file's secret stays on screen only until the admin leaves the page. */
export function onHide() {
  $('claim-file').value = '';
  $('claim-file').hidden = true;
  $('claim-result').textContent = '';
}

async function refreshPending(bg) {
  const pending = await api('GET', '/api/claims/pending', undefined, bg);
  fillTable('pending', pending.map((p) => el('tr', { 'data-client': p.name },
    el('td', { text: p.name }),
    el('td', null, el('span', { class: 'mono small key', text: p.publicKey })),
    el('td', { text: String(p.claimId) }),
    el('td', { class: 'opt mono small', text: p.address || '' }),
    el('td', { class: 'opt small' }, when(p.enrolledAt)),
    el('td', { class: 'actions' },
      button('small', 'approve', 'Approve', () => act(api('POST', pathOf('/api/clients', p.name, 'approve')))),
      button('secondary small', 'reject', 'Reject', () => reject(p.name))))));
}

function reject(name) {
  confirmAct('Reject ' + name + '? Its key is revoked for good and its name stays taken.', 'Reject',
    () => api('POST', pathOf('/api/clients', name, 'reject')));
}

async function refreshClaims(bg) {
  const claims = await api('GET', '/api/claims', undefined, bg);
  fillTable('claims', claims.map((c) => el('tr', { 'data-claim': String(c.id) },
    el('td', { text: String(c.id) }),
    el('td', { class: 'mono', text: c.prefix }),
    el('td', { text: c.usesLeft + ' / ' + c.uses }),
    el('td', { text: c.approval }),
    el('td', null, badge(c.state)),
    el('td', { class: 'opt small' }, when(c.expiresAt)),
    el('td', { class: 'actions' }, c.state === 'revoked' ? null
      : button('secondary small', 'revoke-claim', 'Revoke', () => revokeClaim(c))))));
}

function revokeClaim(c) {
  confirmAct('Revoke claim ' + c.id + ' (' + c.prefix + ')? It enrols nobody from now on; enrolled sensors stay.',
    'Revoke', () => api('DELETE', pathOf('/api/claims', c.id)));
}

// Not through onSubmit: the claim file is shown in the form after its reset.
async function makeClaim(event) {
  event.preventDefault();
  const out = $('claim-result');
  const file = $('claim-file');
  file.hidden = true;
  file.value = '';
  try {
    const r = await api('POST', '/api/claims', {
      prefix: $('claim-prefix').value.trim(),
      uses: Number($('claim-uses').value),
      expiresInSeconds: Math.round(Number($('claim-hours').value) * 3600),
      approve: $('claim-approve').value,
    });
    const name = r.claim.prefix.replace(/[^A-Za-z0-9._-]/g, '') + 'claim-' + r.claim.id + '.claim';
    const url = URL.createObjectURL(new Blob([r.claimFile], { type: 'text/plain' }));
    const link = el('a', { id: 'claim-link', href: url, download: name }, 'Download ' + name);
    setResult(out, el('span', null, 'Claim ' + r.claim.id + ' made. ', link,
      ' — keep it as you would a password: it is not shown again.'), true);
    $('claim-form').reset();
    file.value = r.claimFile;
    file.hidden = false;
    refreshPage();
  } catch (e) {
    setResult(out, e.message, false);
  }
}
