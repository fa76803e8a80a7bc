import { readFile } from 'node:fs/promises';

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
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return false;
  return cmdline.split('\0').some((arg) => arg === name || arg.startsWith(`${name},`));
}

/**
 * Whether a process we already identified as ours is still running: /proc/<pid> exists and it is not
 * a zombie. Use this, not isGuestProcess, to wait for an exit: an exiting process releases its memory
 * (so /proc/<pid>/cmdline reads empty) before it closes its files, and QEMU's disk-image locks and tap
 * go only with those files. Waiting on the command line let a restart race the old QEMU's image lock.
 */
export async function isProcessRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
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
