import type { MetadataRequestRecord } from '../../src/domain/metadata-request.js';

/** One request-log record; `n` makes the time unique and increasing. */
export function sampleRequest(n: number, overrides: Partial<MetadataRequestRecord> = {}): MetadataRequestRecord {
  return {
    time: 1_700_000_000_000 + n,
    instanceId: 'i-00000000000000001',
    sourceIp: '10.0.0.1',
    method: 'GET',
    path: `/latest/meta-data/instance-id?n=${n}`,
    status: 200,
    bytes: 19,
    latencyMs: 0.25,
    userAgent: 'curl/7.88.1',
    tokenUsed: false,
    flavour: 'ec2',
    fault: null,
    ...overrides,
  };
}
