import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSpec, Hypervisor } from '../../src/ports/hypervisor.js';

/** What a runner provides: a driver for one cloud, a second driver for another cloud, and specs. */
export interface HypervisorHarness {
  hypervisor: Hypervisor;
  /** A driver of the same kind bound to a different cloud id (its guests must not show up in `hypervisor.list()`). */
  otherCloud: Hypervisor;
  /** A valid spec for `instanceId` in `cloudId` whose guest keeps running until stopped. */
  spec(cloudId: string, instanceId: string): GuestSpec;
  cloudId: string;
  otherCloudId: string;
  /** The driver creates overlays and run directories on disk (real drivers). */
  createsFiles: boolean;
  /** Running guests have a real QEMU pid the driver reports. */
  reportsPid: boolean;
  /** Running guests have a serial console socket to attach to. */
  hasConsole: boolean;
  /** After the suite: remove what the harness built (namespaces, daemons, temp dirs). */
  dispose(): Promise<void>;
}

const codeOf = async (p: Promise<unknown>): Promise<string | null> =>
  p.then(
    () => null,
    (err: unknown) => (err as { code?: string }).code ?? 'not coded',
  );

/**
 * The Hypervisor contract (src/ports/hypervisor.ts): every driver behaves the same under it. Runners:
 * fake and libvirt test:///default (unit tier), qemu and libvirt on real QEMU (vm tier).
 */
export function hypervisorContract(name: string, makeHarness: () => Promise<HypervisorHarness>): void {
  describe(`Hypervisor contract: ${name}`, () => {
    let h: HypervisorHarness;
    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      if (!h) return;
      for (const [driver, cloud] of [[h.hypervisor, h.cloudId], [h.otherCloud, h.otherCloudId]] as const) {
        for (const g of await driver.list()) await driver.undefine(g.instanceId);
        void cloud;
      }
      await h.hypervisor.close();
      await h.otherCloud.close();
      await h.dispose();
    });

    it('define is idempotent and the guest is listed shut off, tagged with cloud and instance', async () => {
      const spec = h.spec(h.cloudId, 'i-def');
      await h.hypervisor.define(spec);
      await h.hypervisor.define(spec);
      const listed = (await h.hypervisor.list()).filter((g) => g.instanceId === 'i-def');
      expect(listed).toEqual([{ cloudId: h.cloudId, instanceId: 'i-def', name: spec.name, state: 'shutoff', pid: null, accelerator: null }]);
      if (h.createsFiles) expect(existsSync(spec.disk.overlayPath)).toBe(true);
      await h.hypervisor.undefine('i-def');
    });

    it('start runs the guest (twice is fine) and reports its accelerator and pid', async () => {
      const spec = h.spec(h.cloudId, 'i-run');
      await h.hypervisor.define(spec);
      await h.hypervisor.start('i-run');
      await h.hypervisor.start('i-run');
      const [g] = (await h.hypervisor.list()).filter((o) => o.instanceId === 'i-run');
      expect(g?.state).toBe('running');
      expect(g?.accelerator).toBe(spec.accelerator);
      if (h.reportsPid) expect(g?.pid).toBeGreaterThan(1);
      await h.hypervisor.destroy('i-run');
      expect((await h.hypervisor.list()).find((o) => o.instanceId === 'i-run')?.state).toBe('shutoff');
      await h.hypervisor.destroy('i-run');
      await h.hypervisor.undefine('i-run');
    });

    it('stop powers off (ACPI, then forced after the timeout) and succeeds when not running', async () => {
      await h.hypervisor.define(h.spec(h.cloudId, 'i-stop'));
      await h.hypervisor.start('i-stop');
      await h.hypervisor.stop('i-stop', { timeoutMs: 1000 });
      const g = (await h.hypervisor.list()).find((o) => o.instanceId === 'i-stop');
      expect(g).toMatchObject({ state: 'shutoff', pid: null });
      await h.hypervisor.stop('i-stop', { timeoutMs: 1000 });
      await h.hypervisor.start('i-stop');
      expect((await h.hypervisor.list()).find((o) => o.instanceId === 'i-stop')?.state).toBe('running');
      await h.hypervisor.undefine('i-stop');
    });

    it('undefine removes a running guest with its files, and succeeds when it does not exist', async () => {
      const spec = h.spec(h.cloudId, 'i-undef');
      await h.hypervisor.define(spec);
      await h.hypervisor.start('i-undef');
      await h.hypervisor.undefine('i-undef');
      expect((await h.hypervisor.list()).find((o) => o.instanceId === 'i-undef')).toBeUndefined();
      if (h.createsFiles) {
        expect(existsSync(spec.disk.overlayPath)).toBe(false);
        expect(existsSync(spec.runDir)).toBe(false);
      }
      await h.hypervisor.undefine('i-undef');
      await h.hypervisor.undefine('i-never');
    });

    it('lifecycle calls on an unknown instance: start fails with MC_ERR_GUEST_UNKNOWN, stop/destroy succeed', async () => {
      expect(await codeOf(h.hypervisor.start('i-nope'))).toBe('MC_ERR_GUEST_UNKNOWN');
      await h.hypervisor.stop('i-nope', { timeoutMs: 100 });
      await h.hypervisor.destroy('i-nope');
    });

    it('refuses a spec of another cloud and a different spec for a running guest', async () => {
      expect(await codeOf(h.hypervisor.define(h.spec(h.otherCloudId, 'i-x')))).toBe('MC_ERR_GUEST_SPEC_INVALID');
      const spec = h.spec(h.cloudId, 'i-redef');
      await h.hypervisor.define(spec);
      await h.hypervisor.start('i-redef');
      expect(await codeOf(h.hypervisor.define({ ...spec, memoryMiB: spec.memoryMiB * 2 }))).toBe('MC_ERR_GUEST_SPEC_INVALID');
      await h.hypervisor.define(spec);
      await h.hypervisor.destroy('i-redef');
      await h.hypervisor.define({ ...spec, memoryMiB: spec.memoryMiB * 2 });
      await h.hypervisor.undefine('i-redef');
    });

    it("lists only its own cloud's guests", async () => {
      await h.otherCloud.define(h.spec(h.otherCloudId, 'i-other'));
      await h.hypervisor.define(h.spec(h.cloudId, 'i-mine'));
      expect((await h.hypervisor.list()).map((g) => g.instanceId)).toEqual(['i-mine']);
      expect((await h.otherCloud.list()).map((g) => g.instanceId)).toEqual(['i-other']);
      await h.otherCloud.undefine('i-other');
      await h.hypervisor.undefine('i-mine');
    });

    it('attachConsole gives a duplex stream to a running guest and refuses a stopped one', async () => {
      await h.hypervisor.define(h.spec(h.cloudId, 'i-con'));
      expect(await codeOf(h.hypervisor.attachConsole('i-con'))).toMatch(/^MC_ERR_/);
      if (h.hasConsole) {
        await h.hypervisor.start('i-con');
        const stream = await h.hypervisor.attachConsole('i-con');
        expect(stream.readable && stream.writable).toBe(true);
        stream.destroy();
      }
      await h.hypervisor.undefine('i-con');
    });
  });
}
