import { readFile, readlink } from 'node:fs/promises';
import { procStatState } from '../../../core/proc-stat.js';

/**
 * Processes minicloud did not start in this run (a dnsmasq orphaned by a crashed controller), found by
 * pid file or /proc and ended by PID only after checking they are what we think they are.
 */

/** The argv of a live process, or null if it is gone or a zombie (PID 1 here reaps orphans slowly). */
export async function liveArgv(pid: number): Promise<string[] | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    if (procStatState(stat) === 'Z') return null;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0').filter((a) => a !== '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') return null;
    throw err;
  }
}

/** The pid in a pid file, or null if the file is missing or holds no number. */
export async function readPidFile(path: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The inode of a process's network namespace (`net:[4026531840]`), to tell clouds in other namespaces apart. */
export async function netnsOf(pid: number | 'self'): Promise<string | null> {
  try {
    return await readlink(`/proc/${pid}/ns/net`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone (or a zombie). */
export async function endProcess(pid: number, graceMs = 3000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while ((await liveArgv(pid)) !== null) {
    if (Date.now() > deadline) signal('SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
  }
}
