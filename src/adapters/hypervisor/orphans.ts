import { readdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GuestSpec } from '../../ports/hypervisor.js';
import { guestFiles } from './guest-files.js';
import { GUEST_NAME_PREFIX } from '../../core/guest-name.js';

/** A QEMU process minicloud started (directly or through libvirt), found by its `-name mc-…`. */
export interface TaggedQemuProcess {
  pid: number;
  /** The guest name, `mc-<cloud>-<instance>`. */
  name: string;
  /** The spec from the qemu driver's `guest.json` next to its pid file; null for libvirt-run QEMUs. */
  spec: GuestSpec | null;
}

/**
 * Every live QEMU on this host whose name starts with `mc-` (optionally only one cloud's), for `prune`.
 * Reads /proc only; never signals anything. The caller decides which are orphans (not in its store)
 * and ends them by pid (qemu driver) or through libvirt (libvirt driver).
 */
export async function findTaggedQemuProcesses(cloudId?: string): Promise<TaggedQemuProcess[]> {
  const prefix = cloudId ? `${GUEST_NAME_PREFIX}${cloudId}-` : GUEST_NAME_PREFIX;
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const found = await Promise.all(pids.map((pid) => inspect(pid, prefix)));
  return found.filter((p): p is TaggedQemuProcess => p !== null);
}

async function inspect(pid: number, prefix: string): Promise<TaggedQemuProcess | null> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (!cmdline || !cmdline.includes('qemu-system')) return null;
  const args = cmdline.split('\0');
  const nameArg = args[args.indexOf('-name') + 1];
  if (args.indexOf('-name') < 0 || nameArg === undefined) return null;
  // qemu driver: `mc-c-i,process=…`; libvirt: `guest=mc-c-i,debug-threads=on`.
  const name = nameArg.replace(/^guest=/, '').split(',')[0] ?? '';
  if (!name.startsWith(prefix)) return null;
  const pidFile = args[args.indexOf('-pidfile') + 1];
  const spec = args.includes('-pidfile') && pidFile
    ? await readFile(guestFiles(dirname(pidFile)).specFile, 'utf8').then((t) => JSON.parse(t) as GuestSpec, () => null)
    : null;
  return { pid, name, spec };
}
