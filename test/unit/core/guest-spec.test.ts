import { describe, expect, it } from 'vitest';
import { buildGuestSpec, MAX_IFNAME, tapName } from '../../../src/core/guest-spec.js';
import { initialStageState } from '../../../src/core/stage-tracker.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { guestName } from '../../../src/core/guest-name.js';
import { guestIdentity } from '../../../src/clouds/guest-identity.js';

const record = {
  id: 'i-0123456789abcdef0',
  uuid: '6a2f3c1e-1b2c-4d3e-8f40-0123456789ab',
  mac: '52:54:00:aa:bb:cc',
  datasource: 'openstack',
} as InstanceRecord;

const specInput = {
  cloudId: 'dev',
  bridge: 'minicloud0',
  paths: { instancesDir: '/var/lib/minicloud/instances' },
  accelerator: 'tcg' as const,
  record,
  instance: {
    id: record.id,
    desired: 'running' as const,
    image: { name: 'minicirros', path: '/images/minicirros.qcow2', format: 'qcow2' as const, kernel: { kernelPath: '/k', initrdPath: '/i', cmdline: 'console=ttyS0' }, sshUser: 'cirros' },
    cpus: 2,
    memoryMiB: 256,
    diskBytes: 2 ** 30,
    removeOnExit: false,
    accelerator: null,
    stages: initialStageState(0),
    failure: null,
  },
};

const ids = { instanceId: record.id, instanceUuid: record.uuid };

describe('guest spec', () => {
  it('taps fit IFNAMSIZ and differ per cloud', () => {
    for (const cloud of ['dev', 'a-very-long-cloud-name-indeed', 'x']) {
      const tap = tapName(cloud, record.id);
      expect(tap.length).toBeLessThanOrEqual(MAX_IFNAME);
      expect(tap).toMatch(/^mc[0-9a-f]{4}012345678$/);
    }
    expect(tapName('one', record.id)).not.toBe(tapName('two', record.id));
  });

  it.each([
    ['openstack', { manufacturer: 'OpenStack Foundation', product: 'OpenStack Nova', serial: record.uuid, uuid: record.uuid }, null],
    ['configdrive', { product: 'OpenStack Nova', uuid: record.uuid }, `/var/lib/minicloud/instances/${record.id}/config-drive.iso`],
    ['ec2', { manufacturer: 'Amazon EC2', serial: 'ec2f3c1e-1b2c-4d3e-8f40-0123456789ab', uuid: 'ec2f3c1e-1b2c-4d3e-8f40-0123456789ab' }, null],
    ['nocloud', { serial: `ds=nocloud-net;s=http://169.254.169.254/nocloud/${record.id}/`, uuid: record.uuid }, null],
  ] as const)('takes the SMBIOS identity for %s from its cloud; guest uuid = SMBIOS uuid', (datasource, expected, drive) => {
    const spec = buildGuestSpec({ ...specInput, record: { ...record, datasource }, identity: guestIdentity(datasource, ids) });
    expect(spec.smbios.system).toMatchObject(expected);
    expect(spec.uuid).toBe(spec.smbios.system.uuid);
    expect(spec.configDrivePath).toBe(drive);
    expect(spec.cdromPath).toBeNull();
  });

  it('attaches a provisioning CD only to an instance of a cloud with media that asks for it (meta provisioningMedia=true)', () => {
    const cd = (datasource: string, meta: Record<string, string>) => buildGuestSpec({ ...specInput, record: { ...record, datasource, meta }, identity: guestIdentity(datasource, ids, meta) }).cdromPath;
    expect(cd('azure', { provisioningMedia: 'true' })).toBe(`/var/lib/minicloud/instances/${record.id}/provisioning-media.iso`);
    expect(cd('azure', {})).toBeNull();
    expect(cd('azure', { provisioningMedia: 'false' })).toBeNull();
    // A cloud without provisioning media ignores the meta.
    expect(cd('ec2', { provisioningMedia: 'true' })).toBeNull();
  });

  it('builds the spec from the instance, paths and network', () => {
    expect(buildGuestSpec({ ...specInput, identity: guestIdentity('openstack', ids) })).toEqual({
      cloudId: 'dev',
      instanceId: record.id,
      uuid: record.uuid,
      name: guestName('dev', record.id),
      datasource: 'openstack',
      cpus: 2,
      memoryMiB: 256,
      disk: { basePath: '/images/minicirros.qcow2', baseFormat: 'qcow2', overlayPath: `/var/lib/minicloud/instances/${record.id}/disk.qcow2`, sizeBytes: 2 ** 30 },
      kernel: { kernelPath: '/k', initrdPath: '/i', cmdline: 'console=ttyS0' },
      nic: { mac: record.mac, bridge: 'minicloud0', tapName: tapName('dev', record.id) },
      smbios: guestIdentity('openstack', ids).smbios,
      configDrivePath: null,
      cdromPath: null,
      consoleLogPath: `/var/lib/minicloud/instances/${record.id}/console.log`,
      runDir: `/var/lib/minicloud/instances/${record.id}/run`,
      accelerator: 'tcg',
    });
  });
});
