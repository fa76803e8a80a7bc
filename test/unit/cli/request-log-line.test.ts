import { describe, expect, it } from 'vitest';
import { formatRequestLine } from '../../../src/cli/request-log-line.js';
import { sampleRequest } from '../../helpers/request-record.js';

describe('request log line', () => {
  it('shows time, source, instance, method, path, status, bytes, latency and user agent', () => {
    expect(formatRequestLine(sampleRequest(0, { time: Date.UTC(2025, 0, 2, 3, 4, 5, 678), latencyMs: 1.25 }))).toBe(
      '2025-01-02T03:04:05.678Z 10.0.0.1 i-00000000000000001 GET /latest/meta-data/instance-id?n=0 200 19b 1.3ms "curl/7.88.1"',
    );
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
});
