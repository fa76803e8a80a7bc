import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGuestNetwork, type GuestNetwork } from '../../helpers/guest-network.js';
import type { TestInstance } from '../../helpers/instance-record.js';
import { startMetadataServe, type MetadataServeProcess } from '../../helpers/metadata-serve-process.js';
import { TestNetns } from '../../helpers/netns.js';
import { instancesYaml } from '../images/guest-world.js';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The guest images the hypervisor vm tests boot (`make images`). */
export const MINICIRROS = {
  kernel: join(ROOT, 'vm-images/out/minicirros/vmlinuz'),
  initrd: join(ROOT, 'vm-images/out/minicirros/initrd.img'),
  disk: join(ROOT, 'vm-images/out/minicirros/disk.qcow2'),
  cmdline: 'console=ttyS0 quiet no_timer_check',
} as const;

export function requireMinicirros(): void {
  for (const path of Object.values(MINICIRROS).slice(0, 3)) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`make images\` first`);
  }
}

/** The bridge test/helpers/guest-network.ts creates. */
export const BRIDGE = 'mcbr0';
const METADATA_PORT = 8775;
/** Any valid OpenSSH line: the hypervisor tests never log in. */
const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ9bQ0cZ1m2cQ6pCqzV6m2mRk7sN3q0Yx1c2v3b4n5m6 hv@minicloud';

/**
 * A cloud's guest network inside a fresh network namespace (test/helpers/guest-network.ts: bridge
 * `mcbr0`, dnsmasq with fixed leases and option 121, DNAT of 169.254.169.254:80) plus, when asked,
 * `minicloud metadata serve` on the gateway serving `instances`. `destroy()` removes all of it, also
 * after a failure.
 */
export interface GuestWorld {
  ns: TestNetns;
  net: GuestNetwork;
  /** A scratch directory for the test (state dirs, overlays, logs); short, for socket paths. */
  dir: string;
  server: MetadataServeProcess | null;
  destroy(): Promise<void>;
}

export async function createGuestWorld(prefix: string, instances: TestInstance[], opts: { metadata: boolean }): Promise<GuestWorld> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let ns: TestNetns | undefined;
  let net: GuestNetwork | undefined;
  let server: MetadataServeProcess | null = null;
  const destroy = async (): Promise<void> => {
    const failures: unknown[] = [];
    for (const close of [() => server?.close(), () => net?.close()]) {
      try {
        close();
      } catch (err) {
        failures.push(err);
      }
    }
    await ns?.destroy().catch((err: unknown) => failures.push(err));
    rmSync(dir, { recursive: true, force: true });
    if (failures.length > 0) throw new AggregateError(failures, `${prefix}: cleanup failed`);
  };
  try {
    ns = await TestNetns.create(prefix);
    net = await createGuestNetwork(ns, { metadataPort: METADATA_PORT, hosts: instances.map((i) => ({ mac: i.mac, ip: i.ip, hostname: i.name })) });
    if (opts.metadata) {
      const instancesFile = join(dir, 'instances.yaml');
      writeFileSync(instancesFile, instancesYaml(instances, PUBLIC_KEY));
      server = await startMetadataServe(ns, { listen: net.metadataListen, instancesFile, stateDir: join(dir, 'metadata-state') });
    }
    return { ns, net, dir, server, destroy };
  } catch (err) {
    await destroy().catch((cleanupErr: unknown) => {
      throw new AggregateError([err, cleanupErr], `${prefix}: setup failed, then cleanup failed`);
    });
    throw err;
  }
}
