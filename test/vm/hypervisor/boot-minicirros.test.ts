import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findTaggedQemuProcesses } from '../../../src/adapters/hypervisor/orphans.js';
import type { TestInstance } from '../../helpers/instance-record.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { minicirrosSpec, openDriver, type DriverKind, type OpenedDriver } from './drivers.js';
import { createGuestWorld, requireMinicirros, type GuestWorld } from './guest-world.js';
import { waitForConsole } from './wait-for-console.js';

// The "done when": with each driver, minicirros boots on a bridge inside a network namespace, its
// console shows the instance-id it fetched from `minicloud metadata serve`, and stop + delete leave no
// domain, process, overlay or tap behind.
const CLOUD = 'e2e';
const INSTANCE: TestInstance = {
  id: 'i-0e2e0e2e0e2e0e2e1', uuid: '0e2e0e2e-0e2e-4e2e-8e2e-0e2e0e2e0001', name: 'hv-e2e', hostname: 'hv-e2e',
  mac: '52:54:00:e2:e0:01', ip: '10.77.0.51', datasource: 'ec2', userData: '#!/bin/sh\necho hv-e2e-userdata\n',
};

const NEEDS: Record<DriverKind, string[]> = {
  qemu: ['qemu-system-x86_64', 'qemu-img', 'dnsmasq', 'iptables', 'curl'],
  libvirt: ['qemu-system-x86_64', 'qemu-img', 'dnsmasq', 'iptables', 'curl', 'libvirtd', 'virtlogd', 'nsenter', 'unshare'],
};

for (const kind of ['qemu', 'libvirt'] as const) {
  describeWhen({ root: true, commands: NEEDS[kind] }, `${kind} driver boots minicirros against the metadata server`, () => {
    let world: GuestWorld | undefined;
    let driver: OpenedDriver | undefined;
    beforeAll(async () => {
      requireMinicirros();
      world = await createGuestWorld(`mchve${kind[0]}`, [INSTANCE], { metadata: true });
      driver = await openDriver(kind, world, CLOUD);
    });
    afterAll(async () => {
      const failures: unknown[] = [];
      await driver?.hypervisor.undefine(INSTANCE.id).catch((err: unknown) => failures.push(err));
      await driver?.dispose().catch((err: unknown) => failures.push(err));
      await world?.destroy().catch((err: unknown) => failures.push(err));
      if (failures.length > 0) throw new AggregateError(failures, 'cleanup failed');
    });

    it('fetches its instance-id, answers on the console, and stop + undefine leave nothing behind', async () => {
      if (!world || !driver) throw new Error('setup failed');
      const h = driver.hypervisor;
      const spec = minicirrosSpec(world, CLOUD, INSTANCE.id, { mac: INSTANCE.mac, uuid: INSTANCE.uuid, datasource: 'ec2' });
      await h.define(spec);
      await h.start(INSTANCE.id);
      const [running] = await h.list();
      expect(running).toMatchObject({ instanceId: INSTANCE.id, state: 'running', accelerator: 'tcg' });
      expect(running?.pid).toBeGreaterThan(1);

      await waitForConsole(spec.consoleLogPath, new RegExp(`instance-id: ${INSTANCE.id}`), 180_000);
      const requests = (await world.server?.requestsAfter(0)) ?? [];
      expect(requests.some((r) => r.sourceIp === INSTANCE.ip && r.path.endsWith('/instance-id') && r.status === 200)).toBe(true);

      // Interactive console: a newline makes the getty print its prompt again.
      await waitForConsole(spec.consoleLogPath, /login:/, 60_000);
      const console = await h.attachConsole(INSTANCE.id);
      const prompt = new Promise<void>((resolve) => {
        let seen = '';
        console.on('data', (c: Buffer) => {
          seen += c.toString();
          if (/login:/.test(seen)) resolve();
        });
      });
      console.write('\n');
      await prompt;
      console.destroy();

      await h.stop(INSTANCE.id, { timeoutMs: 30_000 });
      expect((await h.list())[0]).toMatchObject({ state: 'shutoff', pid: null });
      await h.undefine(INSTANCE.id);
      expect(await h.list()).toEqual([]);
      expect(existsSync(spec.disk.overlayPath)).toBe(false);
      expect(existsSync(spec.runDir)).toBe(false);
      expect((await world.ns.runStatus('ip', ['link', 'show', spec.nic.tapName])).code).not.toBe(0);
      expect(await findTaggedQemuProcesses(CLOUD)).toEqual([]);
    });
  });
}
