import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestInstance } from '../../helpers/instance-record.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { createGuestWorld, requireImage, type GuestWorld } from './guest-world.js';
import type { GuestBootSource } from './qemu-guest.js';

// minicirros (vm-images/minicirros) against `minicloud metadata serve`, on a bridge with dnsmasq and the
// 169.254.169.254:80 DNAT inside a private netns. Assertions use the console markers documented in
// vm-images/README.md, which are cirros 0.6's own strings where cirros has one.
const REQUIREMENTS = {
  root: true,
  commands: ['qemu-system-x86_64', 'ip', 'iptables', 'dnsmasq', 'ssh', 'ssh-keygen', 'curl', 'genisoimage'],
};

const CIRROS: TestInstance = {
  id: 'i-0c1a2b3c4d5e6f701',
  uuid: '3f0a1f5e-8d2c-4b7a-9c1e-0a1b2c3d4e01',
  name: 'cirros-one',
  hostname: 'cirros-one.minicloud.internal',
  mac: '52:54:00:6d:63:01',
  ip: '10.77.0.11',
  datasource: 'ec2',
  userData: '#!/bin/sh\necho "USERDATA-MARKER ran as $(id -un) on $(hostname)"\n',
};

describeWhen(REQUIREMENTS, 'minicirros image boots against minicloud metadata serve', () => {
  let world: GuestWorld | undefined;
  let dir = '';

  beforeAll(async () => {
    dir = requireImage('minicirros', 'vmlinuz', 'initrd.img', 'disk.qcow2');
    world = await createGuestWorld('mcimg', [CIRROS]);
  });
  afterAll(async () => {
    await world?.destroy();
  });

  it('direct kernel boot: instance-id, hostname, #! user-data, login:, ssh with the injected key, ACPI power-off', async () => {
    if (!world) throw new Error('world not set up');
    const source: GuestBootSource = { kind: 'kernel', kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'), append: 'console=ttyS0 quiet no_timer_check' };
    const guest = await world.boot(CIRROS, source, { memoryMiB: 256, hardTimeoutMs: 120_000 });

    await guest.waitFor(new RegExp(`successful after \\d+/20 tries: up [\\d.]+\\. iid=${CIRROS.id}`), 60_000);
    await guest.waitFor(/found datasource \(ec2, net\)/, 10_000);
    await guest.waitFor(/minicirros: hostname set to cirros-one\n/, 10_000);
    await guest.waitFor(/USERDATA-MARKER ran as root on cirros-one/, 10_000);
    await guest.waitFor(new RegExp(`instance-id: ${CIRROS.id}`), 10_000);
    const login = await guest.waitFor(/cirros-one login:/, 30_000);
    process.stdout.write(`minicirros direct kernel boot: login: after ${login.atMs} ms\n`);

    const out = await world.ssh('cirros', CIRROS, 'echo "SSH-OK $(id -un)@$(hostname)"; cat /run/cirros/datasource/dsname');
    expect(out).toBe('SSH-OK cirros@cirros-one\nec2\n');

    await guest.powerButton();
    const code = await Promise.race([guest.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code, guest.console().slice(-2000)).toBe(0);
    expect(guest.console()).toMatch(/minicirros: ACPI power button: powering off/);
    expect(guest.console()).toMatch(/reboot: Power down/);
  });

  it('qcow2 disk boot (SeaBIOS, MBR, GRUB) reaches the same metadata and login:', async () => {
    if (!world) throw new Error('world not set up');
    const guest = await world.boot(CIRROS, { kind: 'disk', disk: join(dir, 'disk.qcow2') }, { memoryMiB: 256, hardTimeoutMs: 180_000 });
    await guest.waitFor(/GRUB/, 30_000);
    await guest.waitFor(new RegExp(`successful after \\d+/20 tries: up [\\d.]+\\. iid=${CIRROS.id}`), 120_000);
    const login = await guest.waitFor(/cirros-one login:/, 30_000);
    process.stdout.write(`minicirros disk boot: login: after ${login.atMs} ms\n`);
    guest.kill();
    await guest.exited;
  });

  it('an attached config drive (config-2) wins over the network, as in cirros', async () => {
    if (!world) throw new Error('world not set up');
    const iso = configDrive(world.scratch, world.publicKey);
    const source: GuestBootSource = { kind: 'kernel', kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'), append: 'console=ttyS0 quiet no_timer_check' };
    const guest = await world.boot(CIRROS, source, { memoryMiB: 256, hardTimeoutMs: 120_000, extraDisks: [iso] });
    await guest.waitFor(/found datasource \(configdrive, local\)/, 60_000);
    await guest.waitFor(/CONFIGDRIVE-USERDATA-MARKER/, 20_000);
    await guest.waitFor(/instance-id: 6a0f6a2e-7b1d-4c2e-9f3a-000000000042/, 10_000);
    await guest.waitFor(/from-drive login:/, 30_000);
    expect(guest.console()).not.toMatch(/checking http:\/\/169\.254\.169\.254/);
    expect(await world.ssh('cirros', CIRROS, 'hostname')).toBe('from-drive\n');
    guest.kill();
    await guest.exited;
  });
});

/** An OpenStack config drive as Nova writes it: ISO 9660 labelled config-2, openstack/latest/*. */
function configDrive(scratch: string, publicKey: string): string {
  const root = join(scratch, 'configdrive');
  mkdirSync(join(root, 'openstack/latest'), { recursive: true });
  writeFileSync(
    join(root, 'openstack/latest/meta_data.json'),
    JSON.stringify({
      uuid: '6a0f6a2e-7b1d-4c2e-9f3a-000000000042',
      name: 'from-drive',
      hostname: 'from-drive.novalocal',
      availability_zone: 'nova',
      launch_index: 0,
      public_keys: { 'minicloud-test': `${publicKey}\n` },
    }),
  );
  writeFileSync(join(root, 'openstack/latest/user_data'), '#!/bin/sh\necho CONFIGDRIVE-USERDATA-MARKER\n');
  const iso = join(scratch, 'config-2.iso');
  execFileSync('genisoimage', ['-quiet', '-o', iso, '-V', 'config-2', '-r', '-J', root]);
  return iso;
}
