import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { findTaggedQemuProcesses } from './orphans.js';
import { isProcessRunning, signalProcess, waitUntilGone } from './qemu/guest-process.js';
import { GUEST_NAME_PREFIX } from '../../core/guest-name.js';
import { procStatState } from '../../core/proc-stat.js';
import type { StrayGuest, StrayGuestFinder } from '../../ports/stray-guests.js';


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
 * Whether that QEMU is gone for good: every thread has exited (its files, disk locks and tap close with
 * the last one: see isProcessRunning), or the pid now belongs to another program.
 */
export async function qemuGone(pid: number, name: string): Promise<boolean> {
  if (!(await isProcessRunning(pid))) return true;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  // An exiting process reads as an empty command line: still ours until its threads are gone.
  return cmdline !== '' && !(await isTaggedQemu(pid, name));
}

/**
 * The cloud's QEMUs in any network namespace, found by their tag AND a command line that names the
 * cloud's home (their overlay disks live under it). The home is what makes them this cloud's and no
 * other's, so they are found even when the namespace they ran in has lost its name.
 */
export async function findHomeGuests(cloudId: string, home: string): Promise<StrayGuest[]> {
  const prefix = `${GUEST_NAME_PREFIX}${cloudId}-`;
  const found: StrayGuest[] = [];
  for (const p of await findTaggedQemuProcesses(cloudId)) {
    const cmdline = await readFile(`/proc/${p.pid}/cmdline`, 'utf8').catch(() => ''); // gone meanwhile
    if (cmdline.includes(`${home}/`)) found.push({ pid: p.pid, name: p.name, instanceId: p.name.slice(prefix.length) });
  }
  return found;
}

/**
 * The programs a cloud runs: its guests, DHCP, private libvirt daemons, readiness probes, and the tools
 * that write an instance's overlay and config drive (they finish on their own, but may still be
 * writing under the home just after the controller died).
 */
const CLOUD_PROGRAMS = /^(qemu-system-.*|dnsmasq|libvirtd|virtlogd|ssh|qemu-img|xorriso)$/;

/**
 * Live processes anywhere on the host (any namespace) of one of the cloud's programs whose command line
 * names a file under the cloud's home: what is still running of a cloud after it was stopped or
 * pruned. Reads /proc only.
 */
export async function findCloudProcesses(home: string): Promise<{ pid: number; cmdline: string }[]> {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const pid = Number(entry);
    const [stat, cmdline] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null), readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null)]);
    if (stat === null || cmdline === null || !cmdline.includes(`${home}/`)) continue;
    const state = procStatState(stat);
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (state === 'Z' || state === 'X' || !CLOUD_PROGRAMS.test(comm)) continue;
    found.push({ pid, cmdline: cmdline.split('\0').filter(Boolean).join(' ') });
  }
  return found;
}

/**
 * Ends (SIGTERM, SIGKILL after 5 s) every process findCloudProcesses finds, and checks each is gone:
 * what a crashed controller left running beyond its guests, daemons and DHCP, such as a qemu-img still
 * writing an overlay under the home. `ended` lists those that are gone, `left` those that survived.
 */
export async function endHomeProcesses(home: string): Promise<{ ended: string[]; left: string[] }> {
  const ended: string[] = [];
  const left: string[] = [];
  for (const { pid, cmdline } of await findCloudProcesses(home)) {
    const name = basename(cmdline.split(' ')[0] ?? '');
    const alive = async (): Promise<boolean> => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean).join(' ') === cmdline && (await isProcessRunning(pid));
    signalProcess(pid, 'SIGTERM');
    let gone = await waitUntilGone(alive, 5000);
    if (!gone) {
      signalProcess(pid, 'SIGKILL');
      gone = await waitUntilGone(alive, 5000);
    }
    (gone ? ended : left).push(`${name} (pid ${pid})`);
  }
  return { ended, left };
}

/**
 * ssh clients in this network namespace that use the cloud's key (`ssh -i <keyPath> …`): the readiness
 * probes and sessions of a controller that crashed. They outlive it (a SIGKILL does not reach its
 * children) and their guests are gone with it, so `prune` after a crash ends them, by pid, and checks
 * that each is gone: `ended` lists those that are, `left` those that survived SIGKILL.
 */
export async function endCloudSshClients(keyPath: string): Promise<{ ended: string[]; left: string[] }> {
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
  const ended: string[] = [];
  const left: string[] = [];
  for (const { pid, cmdline } of found) {
    const alive = async (): Promise<boolean> => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null)) === cmdline && (await isProcessRunning(pid));
    signalProcess(pid, 'SIGTERM');
    let gone = await waitUntilGone(alive, 5000);
    if (!gone) {
      signalProcess(pid, 'SIGKILL');
      gone = await waitUntilGone(alive, 5000);
    }
    (gone ? ended : left).push(`ssh (pid ${pid})`);
  }
  return { ended, left };
}
