import { describe, expect, it } from 'vitest';
import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';
import { formatRequestLine } from '../../../src/cli/request-log-line.js';
import { sampleRequest } from '../../helpers/request-record.js';

/** The line formatted field by field, without remembering anything: what formatRequestLine must equal. */
function formatRequestLinePlain(r: MetadataRequestRecord): string {
  // eslint-disable-next-line no-control-regex
  const safe = (text: string): string => text.replace(/[\u0000-\u001f\u007f\s]/g, (c) => encodeURIComponent(c));
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
    ...(r.fault === null ? [] : [`fault=${r.fault}`]),
  ].join(' ');
}

describe('request log line', () => {
  it('shows time, source, instance, method, path, status, bytes, latency and user agent', () => {
    expect(formatRequestLine(sampleRequest(0, { time: Date.UTC(2025, 0, 2, 3, 4, 5, 678), latencyMs: 1.25 }))).toBe(
      '2025-01-02T03:04:05.678Z 10.0.0.1 i-00000000000000001 GET /latest/meta-data/instance-id?n=0 200 19b 1.3ms "curl/7.88.1"',
    );
  });

  it('names the fault rule that shaped the answer (status 0: it sent none)', () => {
    expect(formatRequestLine(sampleRequest(0, { status: 0, bytes: 0, fault: 'f3' }))).toMatch(/ 0 0b 0\.3ms "curl\/7\.88\.1" fault=f3$/);
  });

  it('uses - for an unknown instance and a missing user agent', () => {
    const line = formatRequestLine(sampleRequest(0, { instanceId: null, userAgent: null, status: 404 }));
    expect(line).toMatch(/ 10\.0\.0\.1 - GET .* 404 19b 0\.3ms -$/);
  });

  it('escapes control characters so a client cannot forge extra log lines', () => {
    const line = formatRequestLine(sampleRequest(0, { path: '/a\nFAKE 200', userAgent: 'x\r\ny' }));
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toContain('/a%0AFAKE%20200');
    expect(line).toContain('"x\\r\\ny"');
  });

  it('remembers repeating fields without ever changing a line: equal to the plain formatting for a mixed stream', () => {
    const paths = ['/latest/meta-data/instance-id', '/latest/meta-data/hostname', '/a b\tc', '/latest/meta-data/instance-id'];
    const agents = ['curl/7.88.1', null, 'Cloud-Init/22.4.2', 'x\ny', null];
    const seen = new Set<string>();
    for (let n = 0; n < 400; n++) {
      const record = sampleRequest(0, {
        time: Date.UTC(2025, 0, 2) + Math.floor(n / 3), // the same millisecond three times in a row
        path: paths[n % paths.length] ?? '/',
        userAgent: agents[Math.floor(n / 2) % agents.length] ?? null,
        method: n % 7 === 0 ? 'HEAD' : 'GET',
        instanceId: n % 5 === 0 ? null : 'i-00000000000000001',
        latencyMs: n / 17,
        fault: n % 11 === 0 ? 'f1' : null,
      });
      const line = formatRequestLine(record);
      expect(line).toBe(formatRequestLinePlain(record));
      seen.add(line);
    }
    expect(seen.size).toBe(400);
  });

  it('writes time and latency exactly as toISOString and toFixed(1) would, at second and rounding boundaries', () => {
    const times = [0, 999, 1000, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2000, 0, 1), Date.UTC(2025, 0, 2, 3, 4, 5, 7), Date.UTC(2025, 0, 2, 3, 4, 5, 70), Date.UTC(2099, 5, 6, 7, 8, 9, 100)];
    const latencies = [0, 1e-7, 0.04, 0.05, 0.15, 0.25, 0.35, 0.45, 0.95, 1.05, 1.15, 2.25, 9.95, 999.95, 12345.65, 0.1 + 0.2, 1 / 3, 1e9 + 0.05, Number.NaN];
    for (const time of times) {
      for (const latencyMs of latencies) {
        const record = sampleRequest(0, { time, latencyMs });
        expect(formatRequestLine(record), `${time} ${latencyMs}`).toBe(formatRequestLinePlain(record));
      }
    }
    // Every multiple of 0.005 ms up to 100 ms (each .x5 boundary) and a dense irregular sweep.
    for (let i = 0; i < 20_000; i++) {
      for (const latencyMs of [i * 0.005, i / 7, i * 0.0137]) {
        const record = sampleRequest(0, { latencyMs });
        expect(formatRequestLine(record), String(latencyMs)).toBe(formatRequestLinePlain(record));
      }
    }
  });
});
