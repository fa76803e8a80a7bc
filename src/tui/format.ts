/** Pure text formatting for the TUI's cells. */

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local wall-clock time, `HH:MM:SS`. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** A duration with the unit that keeps it short: `350ms`, `4.2s`, `42s`, `4m05s`, `2h03m`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 1000) return `${Math.round(value)}ms`;
  if (value < 10_000) return `${(value / 1000).toFixed(1)}s`;
  const seconds = Math.floor(value / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${pad2(seconds % 60)}s`;
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

/** Time since `then`, in one unit: `3s`, `4m`, `2h`, `5d`; `-` when there is no time. */
export function formatAge(now: number, then: number | null): string {
  if (then === null) return '-';
  const seconds = Math.max(0, Math.floor((now - then) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** Exactly `width` characters: cut with `…` or padded with spaces (right-aligned with `alignRight`). */
export function fit(text: string, width: number, alignRight = false): string {
  if (width <= 0) return '';
  const oneLine = text.replace(/[\r\n\t]/g, ' ');
  if (oneLine.length > width) return width === 1 ? '…' : `${oneLine.slice(0, width - 1)}…`;
  return alignRight ? oneLine.padStart(width) : oneLine.padEnd(width);
}

/**
 * Like `fit`, for a request path: the end of a path says what was asked for (`instance-id`,
 * `user-data`), so a long one keeps its first segment (the version or `/openstack/`) and its tail,
 * with `…` between them; `/2009-04-04/…data/instance-id`, not `/2009-04-04/meta-data/instan…`.
 */
export function fitPath(path: string, width: number): string {
  const oneLine = path.replace(/[\r\n\t]/g, ' ');
  if (oneLine.length <= width || width < 2) return fit(oneLine, width);
  const second = oneLine.indexOf('/', 1);
  const head = second > 0 ? oneLine.slice(0, second + 1) : '';
  const tail = width - head.length - 1;
  // The tail matters more: keep the head only while it leaves the tail at least half the width.
  if (head !== '' && tail >= Math.ceil(width / 2)) return `${head}…${oneLine.slice(-tail)}`;
  return `…${oneLine.slice(-(width - 1))}`;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner frame for a moment in time (10 frames a second), so frames are a pure function of `now`. */
export function spinnerFrame(now: number): string {
  return SPINNER[Math.floor(now / 100) % SPINNER.length] ?? '-';
}
