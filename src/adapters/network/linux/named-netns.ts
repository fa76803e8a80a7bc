import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { errors } from '../../../errors/catalogue.js';
import { runTool } from './run-tool.js';

/**
 * Named network namespaces (`ip netns`, bind mounts under /run/netns), as `up --netns` creates them and
 * `down`/`prune` delete them. Deleting a name does not end the namespace: it lives on, unnamed and out
 * of reach of `ip netns exec`, while any process is inside. So a namespace is deleted only once no
 * process is left in it (`deleteNetnsIfEmpty`), never with the cloud's guests still running there.
 */

function netnsPath(name: string): string {
  return `/run/netns/${name}`;
}

/** The namespace's inode (what /proc/PID/ns/net shows as `net:[INODE]`), or null when NAME does not exist. */
export function netnsInode(name: string): number | null {
  try {
    return statSync(netnsPath(name)).ino;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Creates NAME with its loopback up; returns its inode. If bringing lo up fails, NAME is deleted again. */
export async function createNetns(name: string): Promise<number> {
  await runTool('ip', ['netns', 'add', name]);
  try {
    await runTool('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (err) {
    await runTool('ip', ['netns', 'del', name]);
    throw err;
  }
  const inode = netnsInode(name);
  if (inode === null) throw errors.networkCommandFailed(`ip netns add ${name}`, `${netnsPath(name)} is missing afterwards`);
  return inode;
}

/** A process inside a namespace: pid and command line (NUL-separated arguments joined by spaces). */
export interface NetnsProcess {
  pid: number;
  cmdline: string;
}

/**
 * Live processes in the namespace with this inode, other than `exclude`. A zombie holds no namespace
 * (its /proc/PID/ns/net cannot be read), so it is not listed.
 */
function processesInNetns(inode: number, exclude: readonly number[] = []): NetnsProcess[] {
  const want = `net:[${inode}]`;
  const found: NetnsProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || exclude.includes(Number(entry))) continue;
    const ns = procRead(() => readlinkSync(`/proc/${entry}/ns/net`));
    if (ns !== want) continue;
    const cmdline = procRead(() => readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    if (cmdline === null) continue;
    found.push({ pid: Number(entry), cmdline: cmdline.split('\0').filter(Boolean).join(' ') });
  }
  return found;
}

export type NetnsDeletion =
  | { outcome: 'deleted' }
  | { outcome: 'absent' }
  /** NAME now is another namespace than the one recorded (deleted and made again by someone else). */
  | { outcome: 'replaced' }
  /** Processes are still inside: deleting the name would hide them, so NAME stays. */
  | { outcome: 'busy'; processes: NetnsProcess[] };

/**
 * Deletes NAME if it still is the namespace with `inode` and no process other than `exclude` is inside
 * it, then checks that the name is gone. Throws when `ip netns del` fails or the name survives it.
 */
export async function deleteNetnsIfEmpty(name: string, inode: number, exclude: readonly number[] = []): Promise<NetnsDeletion> {
  const current = netnsInode(name);
  if (current === null) return { outcome: 'absent' };
  if (current !== inode) return { outcome: 'replaced' };
  const inside = processesInNetns(inode, exclude);
  if (inside.length > 0) return { outcome: 'busy', processes: inside };
  await runTool('ip', ['netns', 'del', name]);
  if (existsSync(netnsPath(name))) throw errors.networkCommandFailed(`ip netns del ${name}`, `${netnsPath(name)} is still there afterwards`);
  return { outcome: 'deleted' };
}

/** Reads a /proc file of a process that may exit while we look; null when it did. */
function procRead<T>(read: () => T): T | null {
  try {
    return read();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') return null;
    throw err;
  }
}
