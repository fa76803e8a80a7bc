import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { sampleRequest } from '../../helpers/request-record.js';

function rowsOnDisk(path: string): { n: number; distinct: number } {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) AS n, count(DISTINCT time) AS "distinct" FROM metadata_requests').get() as { n: number; distinct: number };
  } finally {
    db.close();
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('SQLite request log written by a worker thread', () => {
  let dir: string;
  let path: string;
  const flushErrors: unknown[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-log-thread-'));
    path = join(dir, 'state.db');
    flushErrors.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (opts: { flushIntervalMs?: number; maxBatch?: number } = {}) =>
    openSqliteStore({ path, requestLog: { ...opts, onFlushError: (err) => flushErrors.push(err) } });

  it('close() persists every record, including batches still in flight to the thread, in append order', async () => {
    const store = open({ flushIntervalMs: 60_000, maxBatch: 100 });
    let n = 0;
    // Many batches handed over on separate turns (some committed, some queued in the thread), then a tail
    // that never left the main thread's buffer.
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 100; i++) store.requestLog.append(sampleRequest(n++));
      await turn();
    }
    for (let i = 0; i < 57; i++) store.requestLog.append(sampleRequest(n++));
    store.close();
    expect(rowsOnDisk(path)).toEqual({ n: 4057, distinct: 4057 });
    const reopened = open();
    const all = reopened.requestLog.query({});
    expect(all).toHaveLength(4057);
    expect(all.every((r, i) => r.time === sampleRequest(i).time)).toBe(true);
    reopened.close();
    expect(flushErrors).toEqual([]);
  });

  it('query() sees every append exactly once while the thread commits batches underneath it', async () => {
    const store = open({ flushIntervalMs: 5, maxBatch: 50 });
    let n = 0;
    for (let round = 0; round < 60; round++) {
      for (let i = 0; i < 37; i++) store.requestLog.append(sampleRequest(n++));
      const seen = store.requestLog.query({});
      expect(seen).toHaveLength(n);
      expect(seen.at(-1)).toEqual(sampleRequest(n - 1));
      expect(store.requestLog.query({ limit: 5 }).map((r) => r.time)).toEqual([n - 5, n - 4, n - 3, n - 2, n - 1].map((k) => sampleRequest(k).time));
      await turn();
    }
    store.requestLog.flush();
    expect(rowsOnDisk(path).n).toBe(n);
    expect(store.requestLog.query({})).toHaveLength(n);
    store.close();
    expect(flushErrors).toEqual([]);
  });

  it('a store that never logged a request closes without starting the thread', () => {
    const store = open();
    const started = Date.now();
    store.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(rowsOnDisk(path).n).toBe(0);
  });
});
