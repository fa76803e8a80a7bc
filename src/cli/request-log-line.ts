import type { MetadataRequestRecord } from '../domain/metadata-request.js';

/**
 * One request as one human-readable line (the console log of `metadata serve`):
 * `TIME SOURCE-IP INSTANCE METHOD PATH STATUS BYTESb LATENCYms "USER-AGENT"`, `-` for unknown values.
 * Control characters and spaces in client-supplied text are escaped so a request cannot forge log lines.
 *
 * Runs once per metadata request on the server's main thread, so it remembers the last value of the
 * fields that repeat from one request to the next (the millisecond's timestamp, the path, the user
 * agent): a guest crawling the tree, or a load test, costs a string comparison instead of a Date, a
 * regex replace and a JSON.stringify. The output is exactly that of a field-by-field formatting (unit-tested
 * against it); the caches hold one value each and never grow.
 */
export function formatRequestLine(r: MetadataRequestRecord): string {
  return `${isoTime(r.time)} ${r.sourceIp} ${r.instanceId ?? '-'} ${escapedMethod(r.method)} ${escapedPath(r.path)} ${r.status} ${r.bytes}b ${r.latencyMs.toFixed(1)}ms ${quotedUserAgent(r.userAgent)}`;
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

const isoTime = lastValueCache((time: number) => new Date(time).toISOString());
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
