import type { MetadataRequestRecord } from '../domain/metadata-request.js';

/**
 * One request as one human-readable line (the console log of `metadata serve`):
 * `TIME SOURCE-IP INSTANCE METHOD PATH STATUS BYTESb LATENCYms "USER-AGENT"`, `-` for unknown values.
 * Pure. Control characters in client-supplied text are escaped so a request cannot forge log lines.
 */
export function formatRequestLine(r: MetadataRequestRecord): string {
  return [
    new Date(r.time).toISOString(),
    r.sourceIp,
    r.instanceId ?? '-',
    safe(r.method),
    safe(r.path),
    String(r.status),
    `${r.bytes}b`,
    `${r.latencyMs.toFixed(1)}ms`,
    r.userAgent === null ? '-' : JSON.stringify(r.userAgent),
  ].join(' ');
}

function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\s]/g, (c) => encodeURIComponent(c));
}
