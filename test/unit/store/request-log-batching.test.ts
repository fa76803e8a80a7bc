import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { sampleRequest } from '../../helpers/request-record.js';

/** Rows on disk, read through a separate connection: what a crash right now would keep. */
function rowsOnDisk(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM metadata_requests').pluck().get() as number;
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `n` rows are on disk. The writer thread commits shortly after a batch is handed over;
 * its first start can take seconds when tests run from TypeScript sources on a busy machine.
 */
async function waitForRows(path: string, n: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let rows = rowsOnDisk(path);
  while (rows < n && Date.now() < deadline) {
    await sleep(20);
    rows = rowsOnDisk(path);
  }
  return rows;
}

describe('SQLite request log batching', () => {
  let dir: string;
  let path: string;
  const flushErrors: unknown[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-log-'));
    path = join(dir, 'state.db');
    flushErrors.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (opts: { flushIntervalMs?: number; maxBatch?: number } = {}) =>
    openSqliteStore({ path, busyTimeoutMs: 50, requestLog: { ...opts, onFlushError: (err) => flushErrors.push(err) } });

  it('append does not write; the timer hands the batch to the writer ~flushIntervalMs later', async () => {
    const store = open({ flushIntervalMs: 50 });
    store.requestLog.append(sampleRequest(1));
    store.requestLog.append(sampleRequest(2));
    expect(rowsOnDisk(path)).toBe(0);
    expect(store.requestLog.query({})).toHaveLength(2);
    expect(await waitForRows(path, 2)).toBe(2);
    expect(store.requestLog.query({})).toEqual([sampleRequest(1), sampleRequest(2)]);
    store.close();
    expect(flushErrors).toEqual([]);
  });

  it('a full batch is handed over on the next turn of the event loop, not inside append, and written', async () => {
    const store = open({ flushIntervalMs: 60_000, maxBatch: 10 });
    for (let n = 0; n < 10; n++) store.requestLog.append(sampleRequest(n));
    expect(rowsOnDisk(path)).toBe(0);
    expect(await waitForRows(path, 10)).toBe(10);
    store.close();
  });

  it('flush() writes at once', () => {
    const store = open({ flushIntervalMs: 60_000 });
    store.requestLog.append(sampleRequest(1));
    store.requestLog.flush();
    expect(rowsOnDisk(path)).toBe(1);
    store.close();
  });

  it('loses nothing on a clean close, whatever is still buffered', () => {
    const store = open({ flushIntervalMs: 60_000, maxBatch: 1_000_000 });
    for (let n = 0; n < 2345; n++) store.requestLog.append(sampleRequest(n));
    store.close();
    expect(rowsOnDisk(path)).toBe(2345);
    const reopened = open();
    const all = reopened.requestLog.query({});
    expect(all).toHaveLength(2345);
    expect(all[0]).toEqual(sampleRequest(0));
    expect(all.at(-1)).toEqual(sampleRequest(2344));
    reopened.close();
  });

  it('keeps the batch and reports the error when a background flush fails, then writes it once possible', async () => {
    const store = open({ flushIntervalMs: 30 });
    const blocker = new Database(path);
    blocker.pragma('busy_timeout = 0');
    blocker.exec('BEGIN IMMEDIATE'); // holds the write lock: the store's flush must fail (after its busy_timeout)
    store.requestLog.append(sampleRequest(1));
    const deadline = Date.now() + 20_000;
    while (flushErrors.length === 0 && Date.now() < deadline) await sleep(20);
    expect(flushErrors.length).toBeGreaterThan(0);
    expect(String(flushErrors[0])).toMatch(/SQLITE_BUSY/);
    expect(store.requestLog.query({})).toHaveLength(1);
    expect(() => store.requestLog.flush()).toThrow(/MC_ERR_STORE_LOG_WRITE|cannot write the metadata request log/);
    expect(store.requestLog.query({})).toHaveLength(1);
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(await waitForRows(path, 1)).toBe(1);
    expect(store.requestLog.query({})).toEqual([sampleRequest(1)]);
    store.close();
  });

  it('append after close throws instead of dropping the record', () => {
    const store = open();
    store.close();
    expect(() => store.requestLog.append(sampleRequest(1))).toThrow(/after close/);
  });
});
