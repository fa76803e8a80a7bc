import type { DriverChoice } from '../config/minicloud-config.js';
import { join } from 'node:path';
import { errors } from '../errors/catalogue.js';
import type { Hypervisor } from '../ports/hypervisor.js';
import { openLibvirtHypervisor } from '../adapters/hypervisor/libvirt/libvirt-hypervisor.js';
import { ensurePrivateLibvirtd, stopPrivateLibvirtd } from '../adapters/hypervisor/libvirt/private-libvirtd.js';
import { QemuHypervisor } from '../adapters/hypervisor/qemu/qemu-hypervisor.js';


export interface OpenHypervisorOptions {
  driver: DriverChoice;
  cloudId: string;
  /** The cloud's state directory; the drivers keep `<stateDir>/guests` (qemu) and `<stateDir>/libvirt` (private libvirtd). */
  stateDir: string;
  /** The cloud's network namespace, or null when the cloud's bridge is in the current one. */
  netns: string | null;
  /**
   * `--connect` / LIBVIRT_DEFAULT_URI (read by the caller's config): use that daemon as is. Without it the
   * libvirt driver runs the cloud's private libvirtd inside `netns` (docs/hypervisors.md).
   */
  libvirtUri?: string | null;
  /** qemu driver: enslaves the tap QEMU created (the network plane's attachTap). */
  attachTap?: (tapName: string, bridge: string) => Promise<void>;
}

export interface OpenedHypervisor {
  hypervisor: Hypervisor;
  /** Closes the connection and stops the private libvirtd if this call started one (guests must be undefined first). */
  shutdown(): Promise<void>;
}

/**
 * Picks and opens a driver. `auto` takes libvirt when a URI was given or the bindings load and `libvirtd`
 * can be started, and falls back to qemu otherwise (the fallback reason is in the returned `notice`).
 */
export async function openHypervisor(opts: OpenHypervisorOptions): Promise<OpenedHypervisor & { notice: string | null }> {
  if (opts.driver === 'qemu') return { ...openQemu(opts), notice: null };
  try {
    return { ...(await openLibvirt(opts)), notice: null };
  } catch (err) {
    if (opts.driver === 'libvirt') throw err;
    const reason = err instanceof Error ? err.message : String(err);
    return { ...openQemu(opts), notice: `using the qemu driver: ${reason}` };
  }
}

function openQemu(opts: OpenHypervisorOptions): OpenedHypervisor {
  const hypervisor = new QemuHypervisor({
    cloudId: opts.cloudId,
    stateDir: join(opts.stateDir, 'guests'),
    netns: opts.netns,
    ...(opts.attachTap ? { attachTap: opts.attachTap } : {}),
  });
  return { hypervisor, shutdown: () => hypervisor.close() };
}

async function openLibvirt(opts: OpenHypervisorOptions): Promise<OpenedHypervisor> {
  if (opts.libvirtUri) {
    const hypervisor = await openLibvirtHypervisor({ cloudId: opts.cloudId, uri: opts.libvirtUri });
    return { hypervisor, shutdown: () => hypervisor.close() };
  }
  const root = join(opts.stateDir, 'libvirt');
  const daemon = await ensurePrivateLibvirtd({ root, netns: opts.netns }).catch((err: unknown) => {
    throw errors.libvirtUnavailable(`cannot start a private libvirtd: ${err instanceof Error ? err.message : String(err)}`).causedBy(err);
  });
  const hypervisor = await openLibvirtHypervisor({ cloudId: opts.cloudId, uri: daemon.uri, pidDir: daemon.pidDir }).catch(async (err: unknown) => {
    // The daemon started but cannot be used: stop it now, so a qemu fallback does not run beside a
    // libvirtd nobody talks to (and prune has one process less to find).
    await stopPrivateLibvirtd(root).catch((stopErr: unknown) => {
      throw errors.libvirtUnavailable(`cannot connect to the private libvirtd (${String(err)}), nor stop it: ${String(stopErr)}`).causedBy(stopErr);
    });
    throw err;
  });
  return {
    hypervisor,
    shutdown: async () => {
      await hypervisor.close();
      await stopPrivateLibvirtd(root);
    },
  };
}
