import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { guestName } from '../../../src/core/guest-name.js';
import { openHypervisor } from '../../../src/composition/open-hypervisor.js';
import { cloudNamed } from '../../../src/clouds/registry.js';
import type { Datasource } from '../../../src/domain/instance.js';
import type { GuestSpec, Hypervisor } from '../../../src/ports/hypervisor.js';
import { BRIDGE, MINICIRROS, type GuestWorld } from './guest-world.js';

export type DriverKind = 'qemu' | 'libvirt';

export interface OpenedDriver {
  hypervisor: Hypervisor;
  /** Closes the driver and, for libvirt, stops the cloud's private daemon. */
  dispose(): Promise<void>;
}

/** Opens a driver the way minicloud does (openHypervisor); libvirt runs one private libvirtd per world's netns. */
export async function openDriver(kind: DriverKind, world: GuestWorld, cloudId: string): Promise<OpenedDriver> {
  const opened = await openHypervisor({ driver: kind, cloudId, stateDir: world.dir, netns: world.ns.name });
  return { hypervisor: opened.hypervisor, dispose: () => opened.shutdown() };
}

/** A uuid unique per cloud and instance. */
function testUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The MAC a test gives an instance: fixed prefix + 3 bytes of the instance's hash. */
function testMac(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `52:54:00:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

/** A minicirros guest (direct kernel boot, overlay over the image's disk) on the world's bridge. */
export function minicirrosSpec(
  world: GuestWorld,
  cloudId: string,
  instanceId: string,
  opts: { datasource?: Datasource; mac?: string; uuid?: string; configDrivePath?: string | null } = {},
): GuestSpec {
  const datasource = opts.datasource ?? 'ec2';
  const instanceUuid = opts.uuid ?? testUuid(`${cloudId}/${instanceId}`);
  const dir = join(world.dir, cloudId, instanceId);
  const tapHash = createHash('sha256').update(`${cloudId}/${instanceId}`).digest('hex').slice(0, 10);
  return {
    cloudId,
    instanceId,
    uuid: cloudNamed(datasource).guestUuid(instanceUuid),
    name: guestName(cloudId, instanceId),
    datasource,
    cpus: 1,
    memoryMiB: 256,
    disk: { basePath: MINICIRROS.disk, baseFormat: 'qcow2', overlayPath: join(dir, 'disk.qcow2'), sizeBytes: null },
    kernel: { kernelPath: MINICIRROS.kernel, initrdPath: MINICIRROS.initrd, cmdline: MINICIRROS.cmdline },
    nic: { mac: opts.mac ?? testMac(`${cloudId}/${instanceId}`), bridge: BRIDGE, tapName: `mc${tapHash}` },
    smbios: cloudNamed(datasource).identity({ instanceId, instanceUuid }),
    configDrivePath: opts.configDrivePath ?? null,
    cdromPath: null,
    consoleLogPath: join(dir, 'console.log'),
    runDir: join(dir, 'run'),
    accelerator: 'tcg',
  };
}
