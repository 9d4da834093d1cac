// The dashboard: totals, the message rate over the last minutes, live connections, top talkers,
// errors by code and refused handshakes.
import { api } from './api.js';
import { $, el, fillList, fillTable } from './dom.js';
import { fmtAgo, fmtNum } from './format.js';
import { currentPage } from './router.js';

const CHART_WINDOW_MS = 5 * 60 * 1000;

const samples = [];          // {t, messagesIn, errorsByCode}, the chart's window
const talkers = new Map();   // client name -> {t, messages} at the last poll

export function bind() {
  window.addEventListener('resize', () => { if (currentPage() === 'dashboard') drawChart(rateSeries()); });
}

export async function refresh(bg) {
  const [stats, connections] = await Promise.all([api('GET', '/api/stats', undefined, bg),
    api('GET', '/api/connections', undefined, bg)]);
  const now = Date.now();
  samples.push({ t: now, messagesIn: stats.messagesIn, errorsByCode: stats.errorsByCode || {} });
  while (samples.length > 2 && now - samples[0].t > CHART_WINDOW_MS) samples.shift();

  const errorsTotal = Object.values(stats.errorsByCode || {}).reduce((a, b) => a + b, 0);
  const deniedTotal = Object.values(stats.zapDenialsByReason || {}).reduce((a, b) => a + b, 0);
  $('stat-connected').textContent = fmtNum(stats.connectedClients);
  $('stat-messages').textContent = fmtNum(stats.messagesIn);
  $('stat-errors').textContent = fmtNum(errorsTotal);
  $('stat-denied').textContent = fmtNum(deniedTotal);
  const uplink = stats.uplink;
  const refused = !!(uplink && uplink.refusal);
  $('uplink-alert').hidden = !refused;
  $('uplink-alert').textContent = refused
    ? 'Uplink refused by the upstream since ' + uplink.refusedSince + ': ' + uplink.refusal + '. '
      + fmtNum(uplink.waiting) + ' messages wait in the queue; ' + uplink.remedy + '.'
    : '';
  const rates = rateSeries();
  $('stat-rate').textContent = rates.length ? rates[rates.length - 1].rate.toFixed(1) : '–';
  drawChart(rates);

  fillTable('connections', connections.map((c) => el('tr', { 'data-client': c.clientName },
    el('td', null, el('span', { class: 'dot on' }), c.clientName),
    el('td', { class: 'mono small', text: c.peerAddress || '–' }),
    el('td', { class: 'opt', text: fmtAgo(c.connectedAt) }),
    el('td', { text: fmtNum(c.messages) }))));
  showTalkers(connections, now);

  const oldest = samples[0].errorsByCode;
  const codes = Object.entries(stats.errorsByCode || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  fillList('errors-by-code', codes.map(([code, total]) => el('li', null, el('span', { class: 'mono', text: code }),
    ': ' + fmtNum(total - (oldest[code] || 0)) + ' in the last minutes (' + fmtNum(total) + ' since start)')),
  'no errors sent');

  const reasons = Object.entries(stats.zapDenialsByReason || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  fillList('denials', reasons.map(([reason, n]) => el('li', null, reason + ': ' + fmtNum(n))), 'none');
}

/** The five clients sending the most since the last poll. */
function showTalkers(connections, now) {
  const ranked = connections.map((c) => {
    const prev = talkers.get(c.clientName);
    let rate = 0;
    if (prev && now > prev.t) rate = Math.max(0, (c.messages - prev.messages) * 1000 / (now - prev.t));
    talkers.set(c.clientName, { t: now, messages: c.messages });
    return { name: c.clientName, messages: c.messages, rate };
  }).sort((a, b) => b.rate - a.rate || b.messages - a.messages).slice(0, 5);
  fillList('top-talkers', ranked.map((t) => el('li', null,
    t.name + ' — ' + t.rate.toFixed(1) + ' msg/s, ' + fmtNum(t.messages) + ' total')), 'nobody is talking');
}

function rateSeries() {
  const out = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    const dt = (b.t - a.t) / 1000;
    if (dt > 0) out.push({ t: b.t, rate: Math.max(0, (b.messagesIn - a.messagesIn) / dt) });
  }
  return out;
}

function drawChart(series) {
  const canvas = $('rate-chart');
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 160;
  if (canvas.width !== Math.round(w * ratio)) canvas.width = Math.round(w * ratio);
  if (canvas.height !== Math.round(h * ratio)) canvas.height = Math.round(h * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  const max = Math.max(1, ...series.map((p) => p.rate));
  const now = Date.now();
  g.strokeStyle = '#dde3ea';
  g.fillStyle = '#5b6675';
  g.font = '11px system-ui, sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = 8 + (h - 24) * i / 4;
    g.beginPath(); g.moveTo(36, y); g.lineTo(w, y); g.stroke();
    g.fillText((max * (4 - i) / 4).toFixed(max < 10 ? 1 : 0), 0, y + 4);
  }
  g.fillText('-5 min', 36, h - 2);
  g.fillText('now', w - 24, h - 2);
  if (series.length < 2) return;
  g.strokeStyle = '#2f6fb0';
  g.lineWidth = 2;
  g.beginPath();
  series.forEach((p, i) => {
    const x = 36 + (w - 36) * (1 - (now - p.t) / CHART_WINDOW_MS);
    const y = 8 + (h - 24) * (1 - p.rate / max);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}
