import type { InstanceSummary, MinicloudEvent } from '../../../src/domain/events.js';
import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';

/** Test-only builders for the events the controller publishes. */

export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

export function summary(overrides: Partial<InstanceSummary> = {}): InstanceSummary {
  return {
    id: 'i-0123456789abcdef0',
    name: 'web',
    ip: '10.0.0.5',
    mac: '52:54:00:12:34:56',
    image: 'minicirros',
    datasource: 'ec2',
    accelerator: 'tcg',
    stage: 'defined',
    state: 'starting',
    createdAt: T0,
    lastMetadataAt: null,
    errorCount: 0,
    ...overrides,
  };
}

export function added(overrides: Partial<InstanceSummary> = {}, at = T0): MinicloudEvent {
  return { type: 'instance.added', at, instance: summary(overrides) };
}

export function request(overrides: Partial<MetadataRequestRecord> = {}): MetadataRequestRecord {
  return {
    time: T0 + 5000,
    instanceId: 'i-0123456789abcdef0',
    sourceIp: '10.0.0.5',
    method: 'GET',
    path: '/latest/meta-data/instance-id',
    status: 200,
    bytes: 19,
    latencyMs: 2,
    userAgent: 'Cloud-Init/22.4.2',
    tokenUsed: false,
    flavour: 'ec2',
    fault: null,
    ...overrides,
  };
}

export function requested(overrides: Partial<MetadataRequestRecord> = {}): MinicloudEvent {
  const record = request(overrides);
  return { type: 'metadata.request', at: record.time, request: record };
}

/** A healthy boot of one instance, in the order the controller publishes it. */
export function bootEvents(id = 'i-0123456789abcdef0', name = 'web', ip = '10.0.0.5'): MinicloudEvent[] {
  return [
    { type: 'cloud.status', at: T0 - 1000, status: 'up' },
    added({ id, name, ip }),
    { type: 'instance.stage', at: T0 + 800, instanceId: id, stage: 'booting', elapsedMs: 800 },
    { type: 'instance.console', at: T0 + 900, instanceId: id, line: 'Linux version 6.1.0 (cirros)' },
    { type: 'instance.stage', at: T0 + 3000, instanceId: id, stage: 'dhcp', elapsedMs: 3000 },
    { type: 'instance.stage', at: T0 + 5000, instanceId: id, stage: 'metadata', elapsedMs: 5000 },
    requested({ instanceId: id, sourceIp: ip, time: T0 + 5000 }),
    requested({ instanceId: id, sourceIp: ip, time: T0 + 5100, path: '/openstack/latest/meta_data.json', status: 404, flavour: null }),
    requested({ instanceId: id, sourceIp: ip, time: T0 + 5200, path: '/latest/user-data', bytes: 120 }),
    { type: 'instance.stage', at: T0 + 5200, instanceId: id, stage: 'userdata', elapsedMs: 5200 },
  ];
}
