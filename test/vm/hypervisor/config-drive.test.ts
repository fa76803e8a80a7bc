import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeConfigDrive } from '../../../src/adapters/hypervisor/config-drive-iso.js';
import { recordOf, type TestInstance } from '../../helpers/instance-record.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { minicirrosSpec, openDriver, type DriverKind, type OpenedDriver } from './drivers.js';
import { createGuestWorld, requireMinicirros, type GuestWorld } from './guest-world.js';
import { waitForConsole } from './wait-for-console.js';

// datasource `configdrive`: the driver attaches the config-2 ISO built from the metadata model; minicirros
// (like cirros) reads openstack/latest/meta_data.json from it and takes the uuid as its instance-id,
// with no metadata server at all.
const INSTANCE: TestInstance = {
  id: 'i-0c0d0c0d0c0d0c0d1', uuid: '0c0d0c0d-0c0d-4c0d-8c0d-0c0d0c0d0001', name: 'hv-cd', hostname: 'hv-cd',
  mac: '52:54:00:cd:00:01', ip: '10.77.0.61', datasource: 'openstack', userData: '',
};
const NEEDS: Record<DriverKind, string[]> = {
  qemu: ['qemu-system-x86_64', 'qemu-img', 'xorriso', 'dnsmasq', 'iptables'],
  libvirt: ['qemu-system-x86_64', 'qemu-img', 'xorriso', 'dnsmasq', 'iptables', 'libvirtd', 'virtlogd', 'nsenter', 'unshare'],
};

for (const kind of ['qemu', 'libvirt'] as const) {
  describeWhen({ root: true, commands: NEEDS[kind] }, `${kind} driver attaches a config drive`, () => {
    let world: GuestWorld | undefined;
    let driver: OpenedDriver | undefined;
    beforeAll(async () => {
      requireMinicirros();
      world = await createGuestWorld(`mchvc${kind[0]}`, [INSTANCE], { metadata: false });
      driver = await openDriver(kind, world, 'cd');
    });
    afterAll(async () => {
      const failures: unknown[] = [];
      await driver?.hypervisor.undefine(INSTANCE.id).catch((err: unknown) => failures.push(err));
      await driver?.dispose().catch((err: unknown) => failures.push(err));
      await world?.destroy().catch((err: unknown) => failures.push(err));
      if (failures.length > 0) throw new AggregateError(failures, 'cleanup failed');
    });

    it('minicirros reads its identity from the config-2 drive', async () => {
      if (!world || !driver) throw new Error('setup failed');
      const configDrivePath = join(world.dir, 'cd', INSTANCE.id, 'config-2.iso');
      await writeConfigDrive(recordOf(INSTANCE, 'configdrive'), configDrivePath, { projectId: 'p1' });
      const spec = minicirrosSpec(world, 'cd', INSTANCE.id, { datasource: 'configdrive', mac: INSTANCE.mac, uuid: INSTANCE.uuid, configDrivePath });
      await driver.hypervisor.define(spec);
      await driver.hypervisor.start(INSTANCE.id);
      const line = await waitForConsole(spec.consoleLogPath, /=== datasource: \S+ \S+ ===[\s\S]*?instance-id: \S+/, 180_000);
      expect(line).toContain('=== datasource: configdrive local ===');
      expect(line).toContain(`instance-id: ${INSTANCE.uuid}`);
      await driver.hypervisor.undefine(INSTANCE.id);
      expect(await driver.hypervisor.list()).toEqual([]);
    });
  });
}
