import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { followConsoleLog } from '../../../src/adapters/hypervisor/guest-console.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-hv-console-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Signals each time the follower has read all there is and starts waiting: it then listens on its
 * abort signal, so that an abort ends the wait at once.
 */
function idleWaits(signal: AbortSignal): { next(): Promise<void> } {
  let wake: (() => void) | null = null;
  const addEventListener = signal.addEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>): void => {
    addEventListener(...args);
    if (args[0] === 'abort') wake?.();
  };
  return {
    next: () => new Promise<void>((resolve) => (wake = resolve)),
  };
}

/** The text of the chunk a `next()` of the follower yields. */
async function chunk(next: Promise<IteratorResult<Buffer>>): Promise<string> {
  const result = await next;
  if (result.done === true) throw new Error('the follower ended instead of yielding');
  return result.value.toString();
}

describe('followConsoleLog', () => {
  it('yields from the first byte, waits for a log that does not exist yet, then follows appends', async () => {
    const log = join(dir, 'console.log');
    const ac = new AbortController();
    const idle = idleWaits(ac.signal);
    const follower = followConsoleLog(log, { signal: ac.signal, pollMs: 10 });

    let waiting = idle.next();
    const first = follower.next();
    await Promise.race([waiting, first]); // found no log, and waits for one (or, wrongly, is done)
    writeFileSync(log, 'SeaBIOS\n');
    expect(await chunk(first)).toBe('SeaBIOS\n');

    waiting = idle.next();
    const second = follower.next();
    await Promise.race([waiting, second]); // read to the end, and waits for more (or, wrongly, is done)
    appendFileSync(log, 'INSTANCE-ID=i-1\n');
    expect(await chunk(second)).toBe('INSTANCE-ID=i-1\n');

    ac.abort();
    expect(await follower.next()).toEqual({ done: true, value: undefined });
  });
});
