import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/adapters/store/sqlite/migrate.js';
import { migrations } from '../../../src/adapters/store/sqlite/migrations/index.js';
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { isMinicloudError } from '../../../src/errors/catalogue.js';
import { sampleInstance } from '../../helpers/instance-record.js';

const noFlushErrors = { onFlushError: (err: unknown) => { throw err; } };

describe('SQLite migrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('numbers migrations 1, 2, 3 … with no gaps', () => {
    expect(migrations.map((m) => m.id)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('creates a fresh database at the newest version, in WAL mode with a busy timeout', () => {
    const path = join(dir, 'state.db');
    const store = openSqliteStore({ path, requestLog: noFlushErrors });
    expect(store.schemaVersion).toBe(migrations.length);
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['cloud', 'instance_passwords', 'instances', 'metadata_requests']));
    db.close();
  });

  it('waits busy_timeout for another connection’s write lock instead of failing at once', () => {
    const path = join(dir, 'busy.db');
    const store = openSqliteStore({ path, requestLog: noFlushErrors, busyTimeoutMs: 300 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    expect(() => store.instances.insertInstance(sampleInstance(1))).toThrow(/locked|busy/i);
    expect(performance.now() - started).toBeGreaterThan(250);
    other.exec('ROLLBACK');
    other.close();
    store.instances.insertInstance(sampleInstance(1));
    store.close();
  });

  it('re-opening an up-to-date database applies nothing and keeps the data', () => {
    const path = join(dir, 'state.db');
    const first = openSqliteStore({ path, requestLog: noFlushErrors });
    const secret = first.cloud.tokenSecret();
    first.close();
    const db = new Database(path);
    expect(migrate(db, path, migrations)).toEqual([]);
    db.close();
    const second = openSqliteStore({ path, requestLog: noFlushErrors });
    expect(second.cloud.tokenSecret()).toEqual(secret);
    second.close();
  });

  it('applies only the missing migrations, in order', () => {
    const db = new Database(':memory:');
    const ran: number[] = [];
    const fake = [1, 2, 3].map((id) => ({ id, name: `m${id}`, up: () => void ran.push(id) }));
    expect(migrate(db, ':memory:', fake.slice(0, 1))).toEqual([1]);
    expect(migrate(db, ':memory:', fake)).toEqual([2, 3]);
    expect(ran).toEqual([1, 2, 3]);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
  });

  it('rolls back a failing migration together with its version bump', () => {
    const db = new Database(':memory:');
    const failing = [
      { id: 1, name: 'ok', up: (d: Database.Database) => void d.exec('CREATE TABLE a (x)') },
      { id: 2, name: 'broken', up: (d: Database.Database) => { d.exec('CREATE TABLE b (x)'); throw new Error('boom'); } },
    ];
    expect(() => migrate(db, ':memory:', failing)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database written by a newer minicloud (MC_ERR_STORE_TOO_NEW)', () => {
    const path = join(dir, 'future.db');
    const db = new Database(path);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    let caught: unknown;
    try {
      openSqliteStore({ path, requestLog: noFlushErrors });
    } catch (err) {
      caught = err;
    }
    expect(isMinicloudError(caught) && caught.code).toBe('MC_ERR_STORE_TOO_NEW');
    expect(String((caught as Error).message)).toContain(`schema version ${migrations.length + 1}`);
  });

  it('reports an unopenable path as MC_ERR_STORE_OPEN', () => {
    // A regular file where the directory should be. (Not /proc: Node's recursive mkdir spins there.)
    writeFileSync(join(dir, 'not-a-dir'), '');
    let caught: unknown;
    try {
      openSqliteStore({ path: join(dir, 'not-a-dir', 'state.db'), requestLog: noFlushErrors });
    } catch (err) {
      caught = err;
    }
    expect(isMinicloudError(caught) && caught.code).toBe('MC_ERR_STORE_OPEN');
  });
});
