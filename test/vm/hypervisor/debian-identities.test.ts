import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeConfigDrive } from '../../../src/adapters/hypervisor/config-drive-iso.js';
import type { Datasource } from '../../../src/domain/instance.js';
import { recordOf, type TestInstance } from '../../helpers/instance-record.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { minicirrosSpec, openDriver, type DriverKind, type OpenedDriver } from './drivers.js';
import { createGuestWorld, requireDebianCloud, type GuestWorld } from './guest-world.js';
import { waitForConsole } from './wait-for-console.js';

// Slow tier: Debian 12's own cloud-init 22.4.2 (no datasource pinned) picks the datasource the driver's
// SMBIOS identity (and config drive) asks for, exactly as on a real cloud (cloud-init's ds-identify).
// openstack and ec2 boot through the qemu driver, configdrive through libvirt, so both drivers' identity
// paths (argv -smbios, <sysinfo>, config drive as argv and as XML) meet a real cloud-init.
const CASES: { datasource: Datasource; driver: DriverKind; expected: RegExp; instance: TestInstance }[] = [
  { datasource: 'openstack', driver: 'qemu', expected: /^DataSourceOpenStack(Local)?$/, instance: inst(1, 'openstack') },
  { datasource: 'ec2', driver: 'qemu', expected: /^DataSourceEc2(Local)?$/, instance: inst(2, 'ec2') },
  { datasource: 'configdrive', driver: 'libvirt', expected: /^DataSourceConfigDrive$/, instance: inst(3, 'openstack') },
];

function inst(n: number, datasource: TestInstance['datasource']): TestInstance {
  return {
    id: `i-0d0e0d0e0d0e0d0e${n}`, uuid: `0d0e0d0e-0d0e-4d0e-8d0e-0d0e0d0e000${n}`, name: `hv-deb-${n}`, hostname: `hv-deb-${n}`,
    mac: `52:54:00:de:0b:0${n}`, ip: `10.77.0.7${n}`, datasource, userData: '#cloud-config\n{}\n',
  };
}

describeWhen(
  { root: true, commands: ['qemu-system-x86_64', 'qemu-img', 'xorriso', 'dnsmasq', 'iptables', 'curl', 'libvirtd', 'virtlogd', 'nsenter', 'unshare'] },
  'debian-cloud picks the datasource of the driver-given identity',
  () => {
    let world: GuestWorld | undefined;
    const drivers = new Map<DriverKind, OpenedDriver>();
    beforeAll(async () => {
      requireDebianCloud();
      world = await createGuestWorld('mchvd', CASES.map((c) => c.instance), { metadata: true });
      for (const kind of new Set(CASES.map((c) => c.driver))) drivers.set(kind, await openDriver(kind, world, 'deb'));
    });
    afterAll(async () => {
      const failures: unknown[] = [];
      for (const d of drivers.values()) {
        for (const g of await d.hypervisor.list()) await d.hypervisor.undefine(g.instanceId).catch((err: unknown) => failures.push(err));
        await d.dispose().catch((err: unknown) => failures.push(err));
      }
      await world?.destroy().catch((err: unknown) => failures.push(err));
      if (failures.length > 0) throw new AggregateError(failures, 'cleanup failed');
    });

    for (const c of CASES) {
      it(`${c.datasource} identity (${c.driver} driver) → ${c.expected.source}`, async () => {
        const driver = drivers.get(c.driver);
        if (!world || !driver) throw new Error('setup failed');
        const configDrivePath = c.datasource === 'configdrive' ? join(world.dir, 'deb', c.instance.id, 'config-2.iso') : null;
        if (configDrivePath) await writeConfigDrive(recordOf(c.instance, 'configdrive'), configDrivePath, { projectId: 'p1' });
        const spec = minicirrosSpec(world, 'deb', c.instance.id, {
          image: 'debian-cloud', datasource: c.datasource, mac: c.instance.mac, uuid: c.instance.uuid, configDrivePath,
        });
        await driver.hypervisor.define(spec);
        await driver.hypervisor.start(c.instance.id);
        try {
          const finished = await waitForConsole(spec.consoleLogPath, /Cloud-init v\. \S+ finished at .* Datasource (\S+)/, 420_000);
          const datasource = /Datasource (\S+?)\.?\s/.exec(`${finished} `)?.[1] ?? '';
          expect(datasource).toMatch(c.expected);
        } finally {
          await driver.hypervisor.undefine(c.instance.id);
        }
      });
    }
  },
);
