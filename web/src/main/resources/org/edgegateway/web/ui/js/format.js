// How the admin UI writes times, counts, sizes and limits. Every date is written one way: ISO 8601
// in UTC to the second, with the browser's local time beside it.

const pad = (n) => String(n).padStart(2, '0');

/** {@code 2026-12-02T19:02:43Z (20:02 local)}; the local date too when it is another day than UTC's. */
export function fmtTime(iso) {
  const parts = timeParts(iso, false);
  return parts ? parts.join(' ') : (iso ? String(iso) : '–');
}

/** As fmtTime, with how long ago beside the local time: {@code ...Z (20:02 local, 3 min ago)}. */
export function fmtAgo(iso) {
  const parts = timeParts(iso, true);
  return parts ? parts.join(' ') : (iso ? String(iso) : 'never');
}

/**
 * A time's two halves as fmtTime (or, with {@code ago}, fmtAgo) writes them, e.g.
 * {@code ['2026-12-02T19:02:43Z', '(20:02 local)']}; null when {@code iso} is not a time.
 */
export function timeParts(iso, ago) {
  const d = iso ? new Date(iso) : null;
  if (!d || isNaN(d)) return null;
  const utc = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const since = ago ? ', ' + fmtDuration((Date.now() - d.getTime()) / 1000) + ' ago' : '';
  return [utc, '(' + fmtLocal(d) + ' local' + since + ')'];
}

function fmtLocal(d) {
  const hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
  const sameDay = d.getFullYear() === d.getUTCFullYear() && d.getMonth() === d.getUTCMonth()
    && d.getDate() === d.getUTCDate();
  return sameDay ? hm : d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + hm;
}

/** Whole seconds as the largest two units that say it: {@code 45 s}, {@code 3 min}, {@code 2 h 5 min}, {@code 4 d 1 h}. */
export function fmtDuration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min';
  const h = Math.floor(s / 3600);
  if (h < 24) return h + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
}

export function fmtNum(n) {
  return typeof n === 'number' ? n.toLocaleString() : '–';
}

/** Bytes in B, KiB, MiB, GiB or TiB: three significant digits, or a whole number from 100 on. */
export function fmtBytes(n) {
  if (typeof n !== 'number' || n < 0) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return (v >= 100 ? Math.round(v) : Number(v.toPrecision(3))) + ' ' + units[u];
}

export function fmtLimits(l) {
  if (!l || (l.messagesPerSecond == null && l.burst == null && l.bytesPerSecond == null)) return 'default';
  const parts = [];
  if (l.messagesPerSecond != null) parts.push(l.messagesPerSecond + ' msg/s');
  if (l.burst != null) parts.push('burst ' + l.burst);
  if (l.bytesPerSecond != null) parts.push(l.bytesPerSecond + ' B/s');
  return parts.join(', ');
}
