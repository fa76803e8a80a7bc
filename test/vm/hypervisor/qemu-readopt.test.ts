import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findTaggedQemuProcesses } from '../../../src/adapters/hypervisor/orphans.js';
import { QemuHypervisor } from '../../../src/adapters/hypervisor/qemu/qemu-hypervisor.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { minicirrosSpec } from './drivers.js';
import { createGuestWorld, requireMinicirros, type GuestWorld } from './guest-world.js';
import { waitForConsole } from './wait-for-console.js';

// Guests are detached from the controller: a controller that starts a guest and dies leaves it running,
// and a new controller finds it again (registry + pid file + QMP socket) and can control it.
describeWhen({ root: true, commands: ['qemu-system-x86_64', 'qemu-img', 'dnsmasq', 'iptables'] }, 'qemu driver after a controller restart', () => {
  let world: GuestWorld | undefined;
  let hypervisor: QemuHypervisor | undefined;
  beforeAll(async () => {
    requireMinicirros();
    world = await createGuestWorld('mchvr', [], { metadata: false });
  });
  afterAll(async () => {
    await hypervisor?.undefine('i-readopt');
    await world?.destroy();
  });

  it('re-adopts a guest started by a controller process that has exited', async () => {
    if (!world) throw new Error('setup failed');
    const spec = minicirrosSpec(world, 'ra', 'i-readopt');
    const specFile = join(world.dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const stateDir = join(world.dir, 'guests');
    execFileSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'start-and-exit.ts'), specFile, stateDir, world.ns.name], { stdio: 'inherit', timeout: 60_000 });

    hypervisor = new QemuHypervisor({ cloudId: 'ra', stateDir, netns: world.ns.name });
    const [guest] = await hypervisor.list();
    expect(guest).toMatchObject({ instanceId: 'i-readopt', state: 'running', accelerator: 'tcg' });
    const tagged = await findTaggedQemuProcesses('ra');
    expect(tagged.map((p) => [p.pid, p.name, p.spec?.instanceId])).toEqual([[guest?.pid, spec.name, 'i-readopt']]);

    await waitForConsole(spec.consoleLogPath, /login:/, 180_000);
    await hypervisor.stop('i-readopt', { timeoutMs: 30_000 });
    expect((await hypervisor.list())[0]).toMatchObject({ state: 'shutoff', pid: null });
    await hypervisor.undefine('i-readopt');
    expect(await findTaggedQemuProcesses('ra')).toEqual([]);
  });
});
