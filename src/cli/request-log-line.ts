import type { MetadataRequestRecord } from '../domain/metadata-request.js';

/**
 * One request as one human-readable line (the console log of `metadata serve`):
 * `TIME SOURCE-IP INSTANCE METHOD PATH STATUS BYTESb LATENCYms "USER-AGENT"`, `-` for unknown values, then
 * `fault=ID` when a fault rule shaped the answer (status 0: it sent none; docs/faults.md).
 * Control characters and spaces in client-supplied text are escaped so a request cannot forge log lines.
 *
 * Runs once per metadata request on the server's main thread, so it avoids what is slow there: the
 * timestamp is the ISO text of its second (one Date.toISOString per second, ~2 µs each) plus the
 * milliseconds; the latency is rounded with integer arithmetic instead of toFixed (~0.25 µs); and the
 * fields that repeat from one request to the next (the path, the user agent) are remembered, so a guest
 * crawling the tree, or a load test, costs a string comparison instead of a regex replace and a
 * JSON.stringify. The output is exactly that of a field-by-field formatting with toISOString and
 * toFixed(1) (unit-tested against it); the caches hold one value each and never grow.
 */
export function formatRequestLine(r: MetadataRequestRecord): string {
  return `${isoTime(r.time)} ${r.sourceIp} ${r.instanceId ?? '-'} ${escapedMethod(r.method)} ${escapedPath(r.path)} ${r.status} ${r.bytes}b ${oneDecimal(r.latencyMs)}ms ${quotedUserAgent(r.userAgent)}${r.fault === null ? '' : ` fault=${safe(r.fault)}`}`;
}

/** `new Date(time).toISOString()`, computed once per second: `YYYY-MM-DDTHH:MM:SS.` of the second, then the milliseconds. */
function isoTime(time: number): string {
  const ms = time % 1000;
  if (!Number.isInteger(time) || time < 0) return new Date(time).toISOString();
  return `${secondPrefix(time - ms)}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/**
 * `x.toFixed(1)` for latencies, by integer arithmetic. toFixed rounds the exact value of the double, half
 * up; Math.round(x * 10) agrees except where x * 10 lies next to a .5 boundary (the product may round
 * across it), so there, and outside the plain range, toFixed itself answers.
 */
function oneDecimal(x: number): string {
  const scaled = x * 10;
  if (!(x >= 0 && x < 1e9) || Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6) return x.toFixed(1);
  const tenths = Math.round(scaled);
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** Remembers f's result for the last argument (compared with ===, so NaN is simply recomputed). */
function lastValueCache<A, R>(f: (arg: A) => R): (arg: A) => R {
  let hasLast = false;
  let lastArg: A | undefined;
  let lastResult: R | undefined;
  return (arg) => {
    if (hasLast && arg === lastArg) return lastResult as R;
    lastResult = f(arg);
    lastArg = arg;
    hasLast = true;
    return lastResult;
  };
}

const secondPrefix = lastValueCache((second: number) => new Date(second).toISOString().slice(0, -4));
const escapedMethod = lastValueCache(safe);
const escapedPath = lastValueCache(safe);
const quotedUserAgent = lastValueCache((ua: string | null) => (ua === null ? '-' : JSON.stringify(ua)));

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f\s]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_ALL = /[\u0000-\u001f\u007f\s]/g;

function safe(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, (c) => encodeURIComponent(c)) : text;
}
