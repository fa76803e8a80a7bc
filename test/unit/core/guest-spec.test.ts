import { describe, expect, it } from 'vitest';
import { buildGuestSpec, guestName, MAX_IFNAME, smbiosFor, tapName } from '../../../src/core/guest-spec.js';
import { initialStageState } from '../../../src/core/stage-tracker.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';

const record = {
  id: 'i-0123456789abcdef0',
  uuid: '6a2f3c1e-1b2c-4d3e-8f40-0123456789ab',
  mac: '52:54:00:aa:bb:cc',
  datasource: 'openstack',
} as InstanceRecord;

describe('guest spec', () => {
  it('names guests mc-<cloud>-<instance> and taps within IFNAMSIZ', () => {
    expect(guestName('dev', record.id)).toBe('mc-dev-i-0123456789abcdef0');
    for (const cloud of ['dev', 'a-very-long-cloud-name-indeed', 'x']) {
      const tap = tapName(cloud, record.id);
      expect(tap.length).toBeLessThanOrEqual(MAX_IFNAME);
      expect(tap).toMatch(/^mc[0-9a-f]{4}012345678$/);
    }
    expect(tapName('one', record.id)).not.toBe(tapName('two', record.id));
  });

  it.each([
    ['openstack', { manufacturer: 'OpenStack Foundation', product: 'OpenStack Nova' }],
    ['configdrive', { product: 'OpenStack Nova' }],
    ['ec2', { manufacturer: 'Amazon EC2', serial: 'ec2f3c1e-1b2c-4d3e-8f40-0123456789ab', uuid: 'ec2f3c1e-1b2c-4d3e-8f40-0123456789ab' }],
    ['nocloud', { serial: 'ds=nocloud' }],
  ] as const)('SMBIOS identity for %s', (datasource, expected) => {
    expect(smbiosFor({ ...record, datasource })).toMatchObject(expected);
  });

  it('builds the spec from the instance, paths and network', () => {
    const spec = buildGuestSpec({
      cloudId: 'dev',
      bridge: 'minicloud0',
      paths: { instancesDir: '/var/lib/minicloud/instances' },
      accelerator: 'tcg',
      record,
      instance: {
        id: record.id,
        desired: 'running',
        image: { name: 'minicirros', path: '/images/minicirros.qcow2', format: 'qcow2', kernel: { kernelPath: '/k', initrdPath: '/i', cmdline: 'console=ttyS0' }, sshUser: 'cirros' },
        cpus: 2,
        memoryMiB: 256,
        diskBytes: 2 ** 30,
        removeOnExit: false,
        accelerator: null,
        stages: initialStageState(0),
        failure: null,
      },
    });
    expect(spec).toEqual({
      cloudId: 'dev',
      instanceId: record.id,
      uuid: record.uuid,
      name: 'mc-dev-i-0123456789abcdef0',
      datasource: 'openstack',
      cpus: 2,
      memoryMiB: 256,
      disk: { basePath: '/images/minicirros.qcow2', baseFormat: 'qcow2', overlayPath: `/var/lib/minicloud/instances/${record.id}/disk.qcow2`, sizeBytes: 2 ** 30 },
      kernel: { kernelPath: '/k', initrdPath: '/i', cmdline: 'console=ttyS0' },
      nic: { mac: record.mac, bridge: 'minicloud0', tapName: tapName('dev', record.id) },
      smbios: smbiosFor(record),
      configDrivePath: null,
      consoleLogPath: `/var/lib/minicloud/instances/${record.id}/console.log`,
      runDir: `/var/lib/minicloud/instances/${record.id}/run`,
      accelerator: 'tcg',
    });
  });
});
