import type { MetadataRequestRecord } from '../domain/metadata-request.js';

/** One recorded metadata request as a column-aligned line (`metadata-log`, `run --wait-for` hints, JUnit). */
export function metadataLine(r: MetadataRequestRecord): string {
  const time = new Date(r.time).toISOString().slice(11, 23);
  return `${time}  ${(r.instanceId ?? '?').padEnd(19)}  ${r.sourceIp.padEnd(15)}  ${r.method.padEnd(4)} ${String(r.status)}  ${r.path}  ${r.latencyMs.toFixed(1)}ms  ${r.userAgent ?? '-'}`;
}
