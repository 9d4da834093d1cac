// The dashboard: the live totals and message rate, the gateway's process (release, uptime, heap,
// CPU), its history as charts (the last hour in 10-second points, or the last day in minutes; full
// when the page opens, since the gateway keeps it), live connections, top talkers, errors by code
// and refused handshakes.
import { api } from './api.js';
import { lineChart } from './chart.js';
import { $, clear, el, fillList, fillTable, when } from './dom.js';
import { fmtBytes, fmtDuration, fmtNum, fmtTime } from './format.js';
import { currentPage } from './router.js';

const RATE_WINDOW_MS = 5 * 60 * 1000;
const SAMPLE_MS = 10 * 1000;  // the gateway samples its history every 10 s, on the clock's whole multiples
// What each resolution of /api/metrics/history spans, and how its charts name a point.
const RESOLUTIONS = {
  '10s': { spanMs: 3600 * 1000, ticks: ['−1 h', '−30 min', 'now'], per: 'per 10 s' },
  '1m': { spanMs: 24 * 3600 * 1000, ticks: ['−24 h', '−12 h', 'now'], per: 'per minute' },
};

const samples = [];          // {t, messagesIn, errorsByCode}, the live rate's window
const talkers = new Map();   // client name -> {t, messages} at the last poll
let resolution = '10s';
let history = null;          // the last history the gateway sent, of `resolution`
let nextHistory = 0;         // when (ms) to ask for it again: just after the gateway's next sample

export function bind() {
  window.addEventListener('resize', () => { if (currentPage() === 'dashboard' && history) drawCharts(); });
  for (const r of Object.keys(RESOLUTIONS)) $('history-' + r).addEventListener('click', () => choose(r));
}

export function onShow() {
  nextHistory = 0;
}

function choose(r) {
  resolution = r;
  for (const name of Object.keys(RESOLUTIONS)) $('history-' + name).setAttribute('aria-pressed', String(name === r));
  loadHistory(false).catch(() => { /* shown by api() */ });
}

export async function refresh(bg) {
  const [stats, connections, process] = await Promise.all([api('GET', '/api/stats', undefined, bg),
    api('GET', '/api/connections', undefined, bg), api('GET', '/api/process', undefined, bg)]);
  const now = Date.now();
  samples.push({ t: now, messagesIn: stats.messagesIn, errorsByCode: stats.errorsByCode || {} });
  while (samples.length > 2 && now - samples[0].t > RATE_WINDOW_MS) samples.shift();

  const errorsTotal = Object.values(stats.errorsByCode || {}).reduce((a, b) => a + b, 0);
  const deniedTotal = Object.values(stats.zapDenialsByReason || {}).reduce((a, b) => a + b, 0);
  $('stat-connected').textContent = fmtNum(stats.connectedClients);
  $('stat-messages').textContent = fmtNum(stats.messagesIn);
  $('stat-errors').textContent = fmtNum(errorsTotal);
  $('stat-denied').textContent = fmtNum(deniedTotal);
  const last = samples.length > 1 ? samples[samples.length - 2] : null;
  $('stat-rate').textContent = last && now > last.t
    ? Math.max(0, (stats.messagesIn - last.messagesIn) * 1000 / (now - last.t)).toFixed(1) : '–';
  const uplink = stats.uplink;
  const refused = !!(uplink && uplink.refusal);
  $('uplink-alert').hidden = !refused;
  $('uplink-alert').textContent = refused
    ? 'Uplink refused by the upstream since ' + fmtTime(uplink.refusedSince) + ': ' + uplink.refusal + '. '
      + fmtNum(uplink.waiting) + ' messages wait in the queue; ' + uplink.remedy + '.'
    : '';
  showProcess(process);

  fillTable('connections', connections.map((c) => el('tr', { 'data-client': c.clientName },
    el('td', { class: 'nobr' }, el('span', { class: 'dot on' }), c.clientName),
    el('td', { class: 'mono small', text: c.peerAddress || '–' }),
    el('td', { class: 'opt small' }, when(c.connectedAt, true)),
    el('td', { text: fmtNum(c.messages) }))));
  showTalkers(connections, now);

  const oldest = samples[0].errorsByCode;
  const codes = Object.entries(stats.errorsByCode || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  fillList('errors-by-code', codes.map(([code, total]) => el('li', null, el('span', { class: 'mono', text: code }),
    ': ' + fmtNum(total - (oldest[code] || 0)) + ' in the last minutes (' + fmtNum(total) + ' since start)')),
  'no errors sent');

  const reasons = Object.entries(stats.zapDenialsByReason || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  fillList('denials', reasons.map(([reason, n]) => el('li', null, reason + ': ' + fmtNum(n))), 'none');

  if (now >= nextHistory) await loadHistory(bg);
}

function showProcess(p) {
  $('proc-version').textContent = p.version;
  $('proc-uptime').textContent = fmtDuration(p.uptimeSeconds);
  clear($('proc-started')).append('since ', when(p.startedAt));
  const limited = p.heapMaxBytes > 0;
  $('proc-heap').textContent = fmtBytes(p.heapUsedBytes) + ' / ' + (limited ? fmtBytes(p.heapMaxBytes) : 'no limit');
  $('proc-heap-share').textContent = limited ? Math.round(100 * p.heapUsedBytes / p.heapMaxBytes) + ' % of the most it may use' : '';
  $('proc-cpu').textContent = p.cpuUsage < 0 ? '–' : (100 * p.cpuUsage).toFixed(1) + ' %';
  $('proc-cpu-note').textContent = (p.cpuUsage < 0 ? 'not measured yet; ' : 'over the last 10 s, ')
    + p.processors + (p.processors === 1 ? ' processor' : ' processors');
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

async function loadHistory(bg) {
  const asked = resolution;
  const h = await api('GET', '/api/metrics/history?resolution=' + asked, undefined, bg);
  if (asked !== resolution) return;
  history = h;
  nextHistory = (Math.floor(Date.now() / SAMPLE_MS) + 1) * SAMPLE_MS + 1000;
  drawCharts();
}

const perSecond = (v) => Number(v.toPrecision(3)).toLocaleString() + '/s';
const count = (v) => Number(v.toPrecision(3)).toLocaleString();

function drawCharts() {
  const h = history;
  const r = RESOLUTIONS[h.resolution];
  const rate = 1 / h.stepSeconds;
  const common = { endMs: Date.parse(h.end), stepMs: h.stepSeconds * 1000, spanMs: r.spanMs, xLabels: r.ticks };
  const one = (name, label, values, scale) => ({ name, label, values, scale: scale || 1 });
  const range = clear($('history-range'));
  if (h.points) {
    range.append('From ', when(h.start), ' to ', when(h.end), ': ' + fmtNum(h.points)
      + (h.points === 1 ? ' point' : ' points') + ' of ' + h.stepSeconds + ' s.');
  } else {
    range.append('No point yet: the gateway adds one every 10 s.');
  }
  for (const id of ['errors-per', 'refused-per']) $(id).textContent = r.per;
  lineChart($('chart-messages'), { ...common, fmt: perSecond, series: [
    one('in', 'received', h.messagesIn, rate), one('out', 'answered', h.messagesOut, rate)] });
  lineChart($('chart-bytes'), { ...common, fmt: (v) => fmtBytes(v) + '/s', series: [
    one('in', 'received', h.bytesIn, rate), one('out', 'sent', h.bytesOut, rate)] });
  lineChart($('chart-errors'), { ...common, fmt: count, counts: true, empty: 'no error sent in this period',
    series: Object.entries(h.errorsByCode).map(([code, values]) => one(code, code, values)) });
  lineChart($('chart-refused'), { ...common, fmt: count, counts: true, series: [
    one('refused', 'refused handshakes', h.handshakesRefused)] });
  lineChart($('chart-clients'), { ...common, fmt: count, counts: true, series: [
    one('connected', 'connected clients', h.connectedClients)] });
}
