import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { followConsoleLog } from '../../../src/adapters/hypervisor/guest-console.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-hv-console-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('followConsoleLog', () => {
  it('yields from the first byte, waits for a log that does not exist yet, then follows appends', async () => {
    const log = join(dir, 'console.log');
    const ac = new AbortController();
    let seen = '';
    const reader = (async () => {
      for await (const chunk of followConsoleLog(log, { signal: ac.signal, pollMs: 10 })) {
        seen += chunk.toString();
        if (seen.includes('INSTANCE-ID=i-1')) ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    writeFileSync(log, 'SeaBIOS\n');
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(log, 'INSTANCE-ID=i-1\n');
    await reader;
    expect(seen).toBe('SeaBIOS\nINSTANCE-ID=i-1\n');
  });
});
