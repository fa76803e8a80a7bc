import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { procStatState } from '../../../src/core/proc-stat.js';
import { isProcessRunning, waitUntilGone } from '../../../src/adapters/hypervisor/qemu/guest-process.js';

// A process whose main thread has exited (pthread_exit: the kernel shows it as a zombie) while another
// thread still runs: what a SIGKILLed multi-threaded QEMU looks like for a moment, with its files (and
// its disk-image lock) still open. The other thread runs until the test closes its stdin, not for a
// fixed time a loaded host could outlast. python3 is installed for the cloud-init tests.
const ZOMBIE_LEADER = [
  'import ctypes, sys, threading',
  'threading.Thread(target=lambda: sys.stdin.read()).start()',
  'print("ready", flush=True)',
  'ctypes.CDLL(None).pthread_exit(None)',
].join('\n');

const mainThreadState = async (pid: number): Promise<string | null> => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null ? null : procStatState(stat);
};

describe('isProcessRunning', () => {
  it('is true while any thread runs, even when the main thread is already a zombie; false once all are gone', async () => {
    const child = spawn('python3', ['-c', ZOMBIE_LEADER], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const pid = child.pid as number;
    await once(child.stdout, 'data');
    expect(await waitUntilGone(async () => (await mainThreadState(pid)) !== 'Z', 5_000)).toBe(true);
    expect(await isProcessRunning(pid)).toBe(true);
    child.stdin.end();
    await exited;
    expect(await isProcessRunning(pid)).toBe(false);
  });

  it('is false for a pid that does not exist', async () => {
    expect(await isProcessRunning(2 ** 22 + 12345)).toBe(false);
  });
});
