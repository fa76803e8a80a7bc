import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestInstance } from '../../helpers/instance-record.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { createGuestWorld, requireImage, type GuestWorld } from './guest-world.js';

// debian-cloud (Debian 12 + Debian's cloud-init 22.4.2, no datasource pinned) booted from its qcow2
// through SeaBIOS + GRUB. The SMBIOS identity alone must make ds-identify pick the datasource, as on a
// real cloud (cloud-init's ds-identify): Nova's strings → OpenStack, uuid = serial = ec2… → Ec2.
const REQUIREMENTS = { root: true, commands: ['qemu-system-x86_64', 'ip', 'iptables', 'dnsmasq', 'ssh', 'ssh-keygen', 'curl'] };

const userData = (marker: string): string =>
  `#cloud-config\nruncmd:\n  - echo "${marker} $(hostname)" > /dev/ttyS0\n`;

const OPENSTACK: TestInstance = {
  id: 'i-0d2a2b3c4d5e6f721',
  uuid: '5b7e0c1a-2f3d-4e5f-8a9b-0c1d2e3f4a21',
  name: 'deb-openstack',
  hostname: 'deb-openstack.minicloud.internal',
  mac: '52:54:00:6d:63:21',
  ip: '10.77.0.21',
  datasource: 'openstack',
  userData: userData('RUNCMD-MARKER-OPENSTACK'),
};

const EC2: TestInstance = {
  id: 'i-0d2a2b3c4d5e6f722',
  // 22.4.2 identifies AWS when the SMBIOS uuid starts with "ec2" and equals the serial.
  uuid: 'ec2e1916-9099-7caf-fd21-0123456789ab',
  name: 'deb-ec2',
  hostname: 'deb-ec2.minicloud.internal',
  mac: '52:54:00:6d:63:22',
  ip: '10.77.0.22',
  datasource: 'ec2',
  userData: userData('RUNCMD-MARKER-EC2'),
};

describeWhen(REQUIREMENTS, 'debian-cloud image: cloud-init picks its datasource from SMBIOS', () => {
  let world: GuestWorld | undefined;
  let disk = '';

  beforeAll(async () => {
    disk = join(requireImage('debian-cloud', 'disk.qcow2'), 'disk.qcow2');
    world = await createGuestWorld('mcdeb', [OPENSTACK, EC2]);
  });
  afterAll(async () => {
    await world?.destroy();
  });

  it('OpenStack SMBIOS → DataSourceOpenStackLocal, runcmd ran, ssh as debian, `cloud-init status --wait` is done', async () => {
    if (!world) throw new Error('world not set up');
    const guest = await world.boot(OPENSTACK, { kind: 'disk', disk }, {
      memoryMiB: 1024,
      hardTimeoutMs: 420_000,
      smbios: [
        `type=1,manufacturer=OpenStack Foundation,product=OpenStack Nova,serial=${OPENSTACK.uuid},uuid=${OPENSTACK.uuid},family=Virtual Machine`,
      ],
    });
    const finished = await guest.waitFor(/Cloud-init v\. \S+ finished at .* Datasource (DataSource[A-Za-z0-9]+)/, 360_000);
    expect(finished.match[1]).toBe('DataSourceOpenStackLocal');
    await guest.waitFor(/RUNCMD-MARKER-OPENSTACK deb-openstack/, 30_000);
    process.stdout.write(`debian-cloud (OpenStack): cloud-init finished after ${finished.atMs} ms\n`);

    const status = await world.ssh('debian', OPENSTACK, 'cloud-init status --wait >/dev/null; cloud-init status --long; hostname');
    const errors = await world.ssh('debian', OPENSTACK, 'grep -E "WARNING|ERROR|Traceback" /var/log/cloud-init.log || true');
    expect(status, errors).toMatch(/status: done\n[^]*deb-openstack\n$/);
    guest.kill();
    await guest.exited;
  });

  it('EC2 SMBIOS (uuid = serial = ec2…) → DataSourceEc2, runcmd ran', async () => {
    if (!world) throw new Error('world not set up');
    const guest = await world.boot(EC2, { kind: 'disk', disk }, {
      memoryMiB: 1024,
      hardTimeoutMs: 420_000,
      smbios: [`type=1,manufacturer=Amazon EC2,product=t3.micro,serial=${EC2.uuid},uuid=${EC2.uuid}`],
    });
    const finished = await guest.waitFor(/Cloud-init v\. \S+ finished at .* Datasource (DataSource[A-Za-z0-9]+)/, 360_000);
    expect(finished.match[1]).toMatch(/^DataSourceEc2/);
    await guest.waitFor(/RUNCMD-MARKER-EC2 deb-ec2/, 30_000);
    process.stdout.write(`debian-cloud (EC2): cloud-init finished (${finished.match[1]}) after ${finished.atMs} ms\n`);
    guest.kill();
    await guest.exited;
  });
});
