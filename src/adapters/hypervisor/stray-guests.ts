import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { findTaggedQemuProcesses } from './orphans.js';
import { signalProcess, waitUntilGone } from './qemu/guest-process.js';
import { GUEST_NAME_PREFIX } from '../../core/guest-name.js';
import { procStatState } from '../../core/proc-stat.js';
import type { StrayGuestFinder } from '../../ports/stray-guests.js';


/** The real finder: /proc scan through the hypervisor's findTaggedQemuProcesses. */
export const procStrayGuestFinder: StrayGuestFinder = {
  async find(cloudId) {
    const prefix = `${GUEST_NAME_PREFIX}${cloudId}-`;
    // Only this network namespace's: a guest elsewhere cannot be on this cloud's bridge, and another
    // home may run a cloud with the same id in its own namespace.
    const own = await netnsOf('self');
    const tagged = await findTaggedQemuProcesses(cloudId);
    const here = await Promise.all(tagged.map(async (p) => ((await netnsOf(String(p.pid))) === own ? p : null)));
    return here.filter((p) => p !== null).map((p) => ({ pid: p.pid, name: p.name, instanceId: p.name.slice(prefix.length) }));
  },
  async end({ pid, name }) {
    const alive = (): Promise<boolean> => isTaggedQemu(pid, name);
    if (!(await alive())) return;
    signalProcess(pid, 'SIGTERM');
    if (await waitUntilGone(alive, 5000)) return;
    signalProcess(pid, 'SIGKILL');
    await waitUntilGone(alive, 5000);
  },
};

/** The network namespace of a process (`self` or a pid), as the kernel names it; null when it is gone. */
function netnsOf(pid: string): Promise<string | null> {
  return readlink(`/proc/${pid}/ns/net`).catch(() => null);
}

/**
 * Whether `pid` still is that live QEMU: not a zombie, and its `-name` names the guest (the qemu driver's
 * `mc-…,process=…` and libvirt's `guest=mc-…,debug-threads=on` both). Guards against a reused pid.
 */
async function isTaggedQemu(pid: number, name: string): Promise<boolean> {
  const [stat, cmdline] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null), readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null)]);
  if (stat === null || cmdline === null) return false;
  const state = procStatState(stat);
  if (state === 'Z' || state === 'X') return false;
  const args = cmdline.split('\0');
  const nameArg = args[args.indexOf('-name') + 1] ?? '';
  return args.includes('-name') && nameArg.replace(/^guest=/, '').split(',')[0] === name;
}

/**
 * ssh clients in this network namespace that use the cloud's key (`ssh -i <keyPath> …`): the readiness
 * probes and sessions of a controller that crashed. They outlive it (a SIGKILL does not reach its
 * children) and their guests are gone with it, so `prune` after a crash ends them, by pid.
 */
export async function endCloudSshClients(keyPath: string): Promise<string[]> {
  const own = await netnsOf('self');
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid);
  const found: { pid: number; cmdline: string }[] = [];
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null); // gone meanwhile
    if (cmdline === null) continue;
    const args = cmdline.split('\0');
    const keyAt = args.indexOf('-i');
    if (basename(args[0] ?? '') !== 'ssh' || keyAt < 0 || args[keyAt + 1] !== keyPath) continue;
    if ((await netnsOf(pid)) === own) found.push({ pid: Number(pid), cmdline });
  }
  for (const { pid, cmdline } of found) {
    const alive = async (): Promise<boolean> => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null)) === cmdline;
    signalProcess(pid, 'SIGTERM');
    if (!(await waitUntilGone(alive, 5000))) signalProcess(pid, 'SIGKILL');
  }
  return found.map(({ pid, cmdline }) => `${cmdline.split('\0').slice(0, 1).join(' ')} (pid ${pid})`);
}
