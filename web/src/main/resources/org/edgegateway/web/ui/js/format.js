// How the admin UI writes times, counts and limits.

export function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString();
}

export function fmtAgo(iso) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  if (s < 86400) return Math.round(s / 3600) + ' h ago';
  return fmtTime(iso);
}

export function fmtNum(n) {
  return typeof n === 'number' ? n.toLocaleString() : '–';
}

export function fmtLimits(l) {
  if (!l || (l.messagesPerSecond == null && l.burst == null && l.bytesPerSecond == null)) return 'default';
  const parts = [];
  if (l.messagesPerSecond != null) parts.push(l.messagesPerSecond + ' msg/s');
  if (l.burst != null) parts.push('burst ' + l.burst);
  if (l.bytesPerSecond != null) parts.push(l.bytesPerSecond + ' B/s');
  return parts.join(', ');
}
