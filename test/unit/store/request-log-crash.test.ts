import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const CHILD = join(import.meta.dirname, 'request-log-crash-child.ts');

interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line (already printed or to come) that matches; rejects if the child exits first. */
  line(match: RegExp): Promise<string>;
  killed(): Promise<void>;
}

function startChild(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    lines,
    line: (match) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => match.test(l));
          if (found !== undefined) {
            waiters.delete(check);
            resolve(found);
          } else if (child.exitCode !== null) {
            reject(new Error(`child exited (${child.exitCode}) before printing ${match}: ${stderr}`));
          }
        };
        waiters.add(check);
        child.once('exit', check);
        check();
      }),
    killed: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The `n` of every record on disk, in seq order (sampleRequest(n) logs the path `…?n=<n>`). */
function survivors(path: string): number[] {
  const db = new Database(path, { readonly: true });
  try {
    const paths = db.prepare('SELECT path FROM metadata_requests ORDER BY seq').pluck().all() as string[];
    return paths.map((p) => Number(/\?n=(\d+)$/.exec(p)?.[1]));
  } finally {
    db.close();
  }
}

function rowsOnDisk(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM metadata_requests').pluck().get() as number;
  } finally {
    db.close();
  }
}

const prefix = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * docs/configuration.md promises: a clean stop loses nothing, a crash at most the last window. These
 * tests crash a process that writes the request log (SIGKILL, no chance to flush) and read what the
 * database kept.
 */
describe('SQLite request log across a crash (kill -9)', () => {
  let dir: string;
  let path: string;
  let child: Child | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-log-crash-'));
    path = join(dir, 'state.db');
  });
  afterEach(async () => {
    if (child?.process.exitCode === null && child.process.signalCode === null) await child.killed();
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every record written by the last flush, loses exactly the records appended after it', async () => {
    child = startChild([path, 'flush-then-append']);
    await child.line(/^flushed 1000$/);
    await child.line(/^appended 1500$/);
    await child.killed();
    expect(survivors(path)).toEqual(prefix(1000));
  });

  it('with the timer writing every 50 ms: what survives is a prefix, holds every committed row, and misses only the last window', async () => {
    const intervalMs = 50;
    const room = 1000; // for a busy machine delaying the child's timer
    child = startChild([path, 'steady', String(intervalMs)]);
    const firstLine = await child.line(/^appended \d+ \d+$/);
    const startedAt = Number(firstLine.split(' ')[2]);
    // Let the child append for longer than one interval plus the room, and see the timer write a few
    // times: the database file is polled (nothing waits on a fixed sleep).
    const deadline = Date.now() + 15_000;
    let onDisk = 0;
    let writesSeen = 0;
    while ((writesSeen < 3 || Date.now() < startedAt + intervalMs + room + 300) && Date.now() < deadline) {
      await sleep(5);
      const now = rowsOnDisk(path);
      if (now > onDisk) writesSeen++;
      onDisk = now;
    }
    expect(writesSeen).toBeGreaterThanOrEqual(3);
    const killedAt = Date.now();
    await child.killed();

    const kept = survivors(path);
    // A prefix: no hole, no duplicate, append order kept (a transaction torn by the kill is rolled back whole).
    expect(kept).toEqual(prefix(kept.length));
    // Every row seen committed before the kill survived it.
    expect(kept.length).toBeGreaterThanOrEqual(onDisk);
    // Whatever was appended more than one interval (plus the room) before the kill was written.
    const appendedBefore = child.lines
      .map((l) => /^appended (\d+) (\d+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) <= killedAt - intervalMs - room)
      .map((m) => Number(m[1]));
    expect(appendedBefore.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThanOrEqual(Math.max(...appendedBefore));
  });
});
