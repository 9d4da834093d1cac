// Line charts as inline SVG, built element by element (no markup from strings, no library): the
// dashboard's history. Colours come from app.css by class (series s0..s5), as the CSP allows no
// inline style.
import { clear, el } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 150;
const LEFT = 52;     // room for the y labels
const TOP = 8;
const BOTTOM = 20;   // room for the x labels
const COLOURS = 6;

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * The top of the y axis for values up to {@code v}: the smallest 1, 2 or 5 times a power of ten at or
 * above it, or for counts 2, 4 or 10 times one (at least 2), so that the middle line is a whole number.
 */
function niceMax(v, counts) {
  const p = v > 0 ? Math.pow(10, Math.floor(Math.log10(v))) : 1;
  const base = counts ? Math.max(1, p) : p;
  for (const m of counts ? [2, 4, 10] : [1, 2, 5, 10]) if (m * base >= v) return m * base;
  return 10 * base;
}

/**
 * Draws {@code series} into {@code box}, replacing what it held: a line per series over a window of
 * {@code spanMs} that ends at {@code endMs}, point i of n at {@code endMs - (n - 1 - i) * stepMs}.
 * Each series is {name, label, values, scale}: a value drawn is values[i] * scale (a count per point
 * made a rate). {@code fmt} writes the y axis's values; {@code xLabels} the window's start, middle and
 * end; {@code counts} when the values are whole numbers; {@code empty} what the legend says without a
 * series. The svg says its point count (data-points) and each line its series and the sum of its
 * values (data-series, data-sum), for tests and for whoever reads the page's structure.
 */
export function lineChart(box, { series, endMs, stepMs, spanMs, fmt, xLabels, empty, counts }) {
  clear(box);
  const width = Math.max(200, Math.floor(box.clientWidth || 300));
  const plotW = width - LEFT - 4;
  const plotH = HEIGHT - TOP - BOTTOM;
  const n = series.length ? series[0].values.length : 0;
  let max = 0;
  for (const s of series) for (const v of s.values) max = Math.max(max, v * s.scale);
  const top = niceMax(max, counts);
  const root = svg('svg', { class: 'chart-svg', width, height: HEIGHT, viewBox: '0 0 ' + width + ' ' + HEIGHT,
    role: 'img', 'data-points': n });
  for (const f of [0, 0.5, 1]) {
    const y = TOP + plotH * (1 - f);
    root.append(svg('line', { class: 'grid', x1: LEFT, x2: width - 4, y1: y, y2: y }));
    root.append(svg('text', { class: 'y-label', x: LEFT - 6, y: y + 4, 'text-anchor': 'end' }, fmt(top * f)));
  }
  xLabels.forEach((label, i) => {
    const anchor = ['start', 'middle', 'end'][i];
    root.append(svg('text', { class: 'x-label', x: LEFT + plotW * i / 2, y: HEIGHT - 5, 'text-anchor': anchor }, label));
  });
  const xOf = (i) => LEFT + plotW * (1 - ((n - 1 - i) * stepMs) / spanMs);
  const yOf = (v) => TOP + plotH * (1 - v / top);
  series.forEach((s, k) => {
    const cls = 's' + (k % COLOURS);
    const points = s.values.map((v, i) => xOf(i).toFixed(1) + ',' + yOf(v * s.scale).toFixed(1));
    const sum = s.values.reduce((a, b) => a + b, 0);
    root.append(svg('polyline', { class: 'line ' + cls, points: points.join(' '), 'data-series': s.name,
      'data-sum': sum }));
    if (n > 0) root.append(svg('circle', { class: 'marker ' + cls, cx: xOf(n - 1).toFixed(1), cy: yOf(s.values[n - 1] * s.scale).toFixed(1), r: 2.5 }));
  });
  const legend = el('ul', { class: 'legend' });
  series.forEach((s, k) => legend.append(el('li', null, el('span', { class: 'swatch s' + (k % COLOURS) }), s.label)));
  if (!series.length && empty) legend.append(el('li', { class: 'muted', text: empty }));
  box.append(root, legend);
}
