/**
 * Parses the text `wrk --latency` prints into numbers. Pure; the runner owns the process.
 * Throws when a figure the benchmark needs is missing, so a changed wrk output never turns into 0.
 */
export interface WrkReport {
  requests: number;
  requestsPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Responses whose status was not 2xx/3xx (wrk's "Non-2xx or 3xx responses"). */
  non2xx: number;
  socketErrors: number;
}

const UNIT_TO_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  const unit = m?.[2];
  if (!m?.[1] || unit === undefined) throw new Error(`wrk: cannot parse duration "${text}"`);
  return Number(m[1]) * (UNIT_TO_MS[unit] ?? Number.NaN);
}

function requiredMatch(output: string, re: RegExp, what: string): RegExpExecArray {
  const m = re.exec(output);
  if (!m) throw new Error(`wrk output has no ${what}:\n${output}`);
  return m;
}

export function parseWrkReport(output: string): WrkReport {
  const percentile = (p: number): number =>
    durationMs(requiredMatch(output, new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm'), `${p}% latency`)[1] ?? '');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests: Number(requiredMatch(output, /(\d+) requests in /, 'request count')[1]),
    requestsPerSec: Number(requiredMatch(output, /Requests\/sec:\s+([\d.]+)/, 'Requests/sec')[1]),
    p50Ms: percentile(50),
    p90Ms: percentile(90),
    p99Ms: percentile(99),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}
