import type { MetadataRequestRecord } from '../domain/metadata-request.js';

/** ANSI colours for a status, as the dashboard colours it: 401/403 (a required header or token refused) stand out. */
function ansiStatus(status: number): string {
  const code = status === 401 || status === 403 ? 35 : status >= 500 || status === 0 ? 31 : status >= 400 ? 33 : 32;
  return `\u001b[${code}m${status}\u001b[0m`;
}

/**
 * One recorded metadata request as a column-aligned line (`metadata-log`, `run --wait-for` hints, JUnit):
 * time, instance, source, method, status, the API that answered (`ec2`, `gce`…; `-` when no route
 * did), path, latency, user agent, and `fault ID` when a fault rule shaped the answer (status 0: none was
 * sent, docs/faults.md). `color` (a terminal) colours the status as the dashboard does.
 */
export function metadataLine(r: MetadataRequestRecord, opts: { color?: boolean } = {}): string {
  const time = new Date(r.time).toISOString().slice(11, 23);
  const status = opts.color ? ansiStatus(r.status) : String(r.status);
  return `${time}  ${(r.instanceId ?? '?').padEnd(19)}  ${r.sourceIp.padEnd(15)}  ${r.method.padEnd(4)} ${status}  ${(r.flavour ?? '-').padEnd(9)}  ${r.path}  ${r.latencyMs.toFixed(1)}ms  ${r.userAgent ?? '-'}${r.fault === null ? '' : `  fault ${r.fault}`}`;
}
