import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { isMinicloudError } from '../../../src/errors/catalogue.js';
import { sampleInstance } from '../../helpers/instance-record.js';
import { sampleRequest } from '../../helpers/request-record.js';

/**
 * When the SQLite request log writes, driven by vitest's fake timers (setTimeout/setImmediate only):
 * each test moves time itself, so nothing waits for a real flush. Rows on disk are counted through a
 * second connection: what a crash right now would keep.
 */
describe('SQLite request log batching', () => {
  let dir: string;
  let path: string;
  let reader: Database.Database | undefined;
  const flushErrors: unknown[] = [];
  const stores: SqliteStore[] = [];
  /** Other connections a test opens (a lock holder, a trigger writer): closed first, even when the test failed. */
  const others: Database.Database[] = [];
  const connect = (): Database.Database => {
    const db = new Database(path);
    others.push(db);
    return db;
  };
  const diskReader = (): Database.Database => (reader ??= new Database(path, { readonly: true }));
  const rowsOnDisk = (): number => diskReader().prepare('SELECT count(*) FROM metadata_requests').pluck().get() as number;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    dir = mkdtempSync(join(tmpdir(), 'minicloud-log-'));
    path = join(dir, 'state.db');
    flushErrors.length = 0;
  });
  afterEach(() => {
    try {
      for (const db of others.splice(0)) if (db.open) db.close();
      for (const store of stores.splice(0)) store.close();
      reader?.close();
    } finally {
      reader = undefined;
      vi.useRealTimers();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const open = (opts: { flushIntervalMs?: number; maxBatch?: number; busyTimeoutMs?: number } = {}): SqliteStore => {
    const { busyTimeoutMs, ...requestLog } = opts;
    const store = openSqliteStore({ path, busyTimeoutMs: busyTimeoutMs ?? 50, requestLog: { ...requestLog, onFlushError: (err) => flushErrors.push(err) } });
    stores.push(store);
    return store;
  };

  it('append does not write; the timer writes the buffer flushIntervalMs after the first record', () => {
    const { requestLog } = open({ flushIntervalMs: 100 });
    requestLog.append(sampleRequest(1));
    vi.advanceTimersByTime(60);
    requestLog.append(sampleRequest(2));
    expect(rowsOnDisk()).toBe(0);
    expect(requestLog.query({})).toEqual([sampleRequest(1), sampleRequest(2)]);
    vi.advanceTimersByTime(39);
    expect(rowsOnDisk()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(rowsOnDisk()).toBe(2);
    expect(requestLog.query({})).toEqual([sampleRequest(1), sampleRequest(2)]);
    expect(flushErrors).toEqual([]);
  });

  it('a full batch is written on the next turn of the event loop, not inside append', () => {
    const { requestLog } = open({ flushIntervalMs: 60_000, maxBatch: 10 });
    for (let n = 0; n < 10; n++) requestLog.append(sampleRequest(n));
    expect(rowsOnDisk()).toBe(0);
    vi.advanceTimersToNextTimer(); // the setImmediate, not the 60 s timer
    expect(rowsOnDisk()).toBe(10);
  });

  it('drains a backlog in transactions of at most maxBatch, one per turn, oldest first', () => {
    const { requestLog } = open({ flushIntervalMs: 60_000, maxBatch: 10 });
    for (let n = 0; n < 35; n++) requestLog.append(sampleRequest(n));
    const seen: number[] = [];
    for (let turn = 0; turn < 3; turn++) {
      vi.advanceTimersToNextTimer();
      seen.push(rowsOnDisk());
    }
    expect(seen).toEqual([10, 20, 30]);
    expect(diskReader().prepare('SELECT time FROM metadata_requests ORDER BY seq').pluck().all()).toEqual(
      Array.from({ length: 30 }, (_, n) => sampleRequest(n).time),
    );
    // The last 5 are below maxBatch: they wait for the interval.
    vi.advanceTimersByTime(59_999);
    expect(rowsOnDisk()).toBe(30);
    vi.advanceTimersByTime(1);
    expect(rowsOnDisk()).toBe(35);
    expect(requestLog.query({})).toHaveLength(35);
  });

  it('flush() writes at once', () => {
    const { requestLog } = open({ flushIntervalMs: 60_000 });
    requestLog.append(sampleRequest(1));
    requestLog.flush();
    expect(rowsOnDisk()).toBe(1);
  });

  it('loses nothing on a clean close, whatever is still buffered', () => {
    const store = open({ flushIntervalMs: 60_000, maxBatch: 1_000_000 });
    for (let n = 0; n < 2345; n++) store.requestLog.append(sampleRequest(n));
    store.close();
    expect(rowsOnDisk()).toBe(2345);
    const all = open().requestLog.query({});
    expect(all).toHaveLength(2345);
    expect(all[0]).toEqual(sampleRequest(0));
    expect(all.at(-1)).toEqual(sampleRequest(2344));
  });

  it('a write is all or nothing: a batch that fails midway leaves no row and stays buffered', () => {
    const { requestLog } = open({ flushIntervalMs: 100 });
    const writer = connect();
    writer.exec(`CREATE TRIGGER refuse_third BEFORE INSERT ON metadata_requests WHEN NEW.time = ${sampleRequest(3).time}
                 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    for (let n = 1; n <= 5; n++) requestLog.append(sampleRequest(n));
    vi.advanceTimersByTime(100);
    expect(rowsOnDisk()).toBe(0);
    expect(flushErrors).toHaveLength(1);
    expect(isMinicloudError(flushErrors[0]) && flushErrors[0].code).toBe('MC_ERR_STORE_LOG_WRITE');
    expect(String(flushErrors[0])).toContain('refused by the test');
    expect(requestLog.query({}).map((r) => r.time)).toEqual([1, 2, 3, 4, 5].map((n) => sampleRequest(n).time));
    writer.exec('DROP TRIGGER refuse_third');
    writer.close();
    vi.advanceTimersByTime(100); // the retry
    expect(rowsOnDisk()).toBe(5);
    expect(requestLog.query({}).map((r) => r.time)).toEqual([1, 2, 3, 4, 5].map((n) => sampleRequest(n).time));
  });

  it('a held write lock: the background write fails at once (no busy wait), reports, keeps the records and retries', () => {
    const { requestLog } = open({ flushIntervalMs: 100, busyTimeoutMs: 5000 });
    const blocker = connect();
    blocker.exec('BEGIN IMMEDIATE'); // holds the write lock
    requestLog.append(sampleRequest(1));
    const started = performance.now();
    vi.advanceTimersByTime(100);
    // A background write that waited for busy_timeout would hold the event loop for 5 s.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(flushErrors).toHaveLength(1);
    expect(String(flushErrors[0])).toMatch(/SQLITE_BUSY/);
    expect(requestLog.query({})).toEqual([sampleRequest(1)]);
    vi.advanceTimersByTime(100);
    expect(flushErrors).toHaveLength(2); // retried after the interval, failed again, reported again
    blocker.exec('ROLLBACK');
    blocker.close();
    requestLog.append(sampleRequest(2));
    vi.advanceTimersByTime(100);
    expect(rowsOnDisk()).toBe(2);
    expect(requestLog.query({})).toEqual([sampleRequest(1), sampleRequest(2)]);
    expect(flushErrors).toHaveLength(2);
  });

  it('the connection waits busy_timeout again after a background write (instance writes still wait for the lock)', () => {
    const store = open({ flushIntervalMs: 100, busyTimeoutMs: 300 });
    store.requestLog.append(sampleRequest(1));
    vi.advanceTimersByTime(100);
    expect(rowsOnDisk()).toBe(1);
    const blocker = connect();
    blocker.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    expect(() => store.instances.insertInstance(sampleInstance(1))).toThrow(/locked|busy/i);
    expect(performance.now() - started).toBeGreaterThan(250);
  });

  it('after a failed write, a full buffer waits for the interval instead of retrying on every turn', () => {
    const { requestLog } = open({ flushIntervalMs: 100, maxBatch: 2 });
    const blocker = connect();
    blocker.exec('BEGIN IMMEDIATE');
    requestLog.append(sampleRequest(1));
    requestLog.append(sampleRequest(2));
    vi.advanceTimersToNextTimer(); // the immediate write of the full batch: fails
    expect(flushErrors).toHaveLength(1);
    requestLog.append(sampleRequest(3));
    expect(vi.getTimerCount()).toBe(1); // only the retry timer, no immediate
    vi.advanceTimersByTime(99);
    expect(flushErrors).toHaveLength(1);
    blocker.exec('ROLLBACK');
    blocker.close();
    vi.advanceTimersByTime(1); // the retry takes a full batch and, once it works, the rest on the next turn
    vi.advanceTimersToNextTimer();
    expect(rowsOnDisk()).toBe(3);
    expect(flushErrors).toHaveLength(1);
  });

  it('flush() on a locked database throws MC_ERR_STORE_LOG_WRITE and keeps the records for later', () => {
    const { requestLog } = open({ flushIntervalMs: 100 });
    const blocker = connect();
    blocker.exec('BEGIN IMMEDIATE');
    requestLog.append(sampleRequest(1));
    let caught: unknown;
    try {
      requestLog.flush();
    } catch (err) {
      caught = err;
    }
    expect(isMinicloudError(caught) && caught.code).toBe('MC_ERR_STORE_LOG_WRITE');
    expect(requestLog.query({})).toEqual([sampleRequest(1)]);
    blocker.exec('ROLLBACK');
    blocker.close();
    requestLog.flush();
    expect(rowsOnDisk()).toBe(1);
  });

  it('query() sees every append exactly once while writes happen underneath it', () => {
    const { requestLog } = open({ flushIntervalMs: 5, maxBatch: 50 });
    let n = 0;
    for (let round = 0; round < 60; round++) {
      for (let i = 0; i < 37; i++) requestLog.append(sampleRequest(n++));
      const seen = requestLog.query({});
      expect(seen).toHaveLength(n);
      expect(seen.every((r, k) => r.time === sampleRequest(k).time)).toBe(true);
      expect(requestLog.query({ limit: 5 }).map((r) => r.time)).toEqual([n - 5, n - 4, n - 3, n - 2, n - 1].map((k) => sampleRequest(k).time));
      vi.advanceTimersByTime(round % 3); // sometimes nothing, sometimes an immediate, sometimes the timer too
    }
    expect(rowsOnDisk()).toBeGreaterThan(0);
    expect(rowsOnDisk()).toBeLessThan(n);
    requestLog.flush();
    expect(rowsOnDisk()).toBe(n);
    expect(requestLog.query({})).toHaveLength(n);
    expect(flushErrors).toEqual([]);
  });

  it('append after close throws instead of dropping the record', () => {
    const store = open();
    store.close();
    expect(() => store.requestLog.append(sampleRequest(1))).toThrow(/after close/);
  });
});
