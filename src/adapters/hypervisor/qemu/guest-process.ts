import { readdir, readFile } from 'node:fs/promises';
import { procStatState } from '../../../core/proc-stat.js';

/**
 * Whether `pid` is a live QEMU process of guest `name`: the pid exists, is not a zombie, and its
 * command line carries `-name <name>,…`. Guards against pid reuse after a host reboot or a stale pid file.
 */
export async function isGuestProcess(pid: number, name: string): Promise<boolean> {
  const [stat, cmdline] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null),
    readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null),
  ]);
  if (stat === null || cmdline === null) return false;
  const state = procStatState(stat);
  if (state === 'Z' || state === 'X') return false;
  return cmdline.split('\0').some((arg) => arg === name || arg.startsWith(`${name},`));
}

/**
 * Whether a process we already identified as ours is still running: any of its threads exists and is
 * not a zombie. Use this, not isGuestProcess, to wait for an exit: an exiting process releases its
 * memory (so /proc/<pid>/cmdline reads empty) before it closes its files, and QEMU's disk-image locks
 * and tap go only with those files. Waiting on the command line let a restart race the old QEMU's
 * image lock. So did waiting on the main thread alone: after SIGKILL the main thread of a
 * multi-threaded QEMU can be a zombie while its vCPU and I/O threads are still exiting, and the files
 * (shared by the threads) close with the last of them ("Failed to get "write" lock" on a restart, seen
 * once in CI). Threads other than the main one leave /proc/<pid>/task once they are fully gone.
 */
export async function isProcessRunning(pid: number): Promise<boolean> {
  const threads = await readdir(`/proc/${pid}/task`).catch(() => null);
  if (threads === null) return false;
  for (const tid of threads) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null);
    if (stat === null) continue; // that thread went while we looked
    const state = procStatState(stat);
    if (state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

/** Reads a pid file; null when it is missing or empty. */
export async function readPidFile(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Resolves once `alive()` turns false, or with false after `timeoutMs`. */
export async function waitUntilGone(alive: () => Promise<boolean>, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await alive())) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Sends a signal, treating "no such process" as success (it is already gone). */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
