import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/adapters/store/sqlite/migrate.js';
import { migrations } from '../../../src/adapters/store/sqlite/migrations/index.js';
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { sampleRequest } from '../../helpers/request-record.js';

const failOnFlushError = { onFlushError: (err: unknown) => { throw err; } };
const COLUMNS = 'seq, time, instance_id, source_ip, method, path, status, bytes, latency_ms, user_agent, token_used, flavour';

describe('migration 3: the request log keyed by a plain rowid', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-migrate-log-'));
    path = join(dir, 'state.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A database as minicloud left it at schema version 2, its log holding rows with gaps in seq. */
  function version2WithRows(): unknown[] {
    const db = new Database(path);
    migrate(db, path, migrations.slice(0, 2));
    const insert = db.prepare(`INSERT INTO metadata_requests (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const [seq, n, instanceId] of [[1, 1, 'i-0000000a'], [2, 2, null], [5, 3, 'i-0000000b'], [9, 4, 'i-0000000a']] as const) {
      const r = sampleRequest(n, { instanceId, latencyMs: n / 8, tokenUsed: n % 2 === 0 });
      insert.run(seq, r.time, r.instanceId, r.sourceIp, r.method, r.path, r.status, r.bytes, r.latencyMs, r.userAgent, r.tokenUsed ? 1 : 0, r.flavour);
    }
    expect(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'metadata_requests'").pluck().get()).toBe(9);
    const rows = db.prepare(`SELECT ${COLUMNS} FROM metadata_requests ORDER BY seq`).all();
    db.close();
    return rows;
  }

  it('copies every row with its seq, then appends after the highest one', () => {
    const before = version2WithRows();
    const store = openSqliteStore({ path, requestLog: failOnFlushError });
    expect(store.schemaVersion).toBe(migrations.length);
    expect(store.requestLog.query({}).map((r) => r.time)).toEqual([1, 2, 3, 4].map((n) => sampleRequest(n).time));
    store.requestLog.append(sampleRequest(5));
    store.close();

    const db = new Database(path, { readonly: true });
    const after = db.prepare(`SELECT ${COLUMNS} FROM metadata_requests ORDER BY seq`).all();
    expect(after.slice(0, 4)).toEqual(before);
    expect(after[4]).toMatchObject({ seq: 10, time: sampleRequest(5).time });
    db.close();
  });

  it('leaves no AUTOINCREMENT, one index, and per-instance queries in seq order without a sort', () => {
    version2WithRows();
    openSqliteStore({ path, requestLog: failOnFlushError }).close();
    const db = new Database(path, { readonly: true });
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'metadata_requests'").pluck().get() as string;
    expect(table).not.toMatch(/AUTOINCREMENT/i);
    expect(db.prepare("SELECT count(*) FROM sqlite_sequence WHERE name = 'metadata_requests'").pluck().get()).toBe(0);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'metadata_requests' ORDER BY name").pluck().all();
    expect(indexes).toEqual(['metadata_requests_by_instance']);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.includes('?') ? ['i-0000000a'] : [])) as { detail: string }[]).map((r) => r.detail).join('; ');
    const byInstance = plan('SELECT * FROM metadata_requests WHERE instance_id = ? ORDER BY seq DESC LIMIT 10');
    expect(byInstance).toContain('USING INDEX metadata_requests_by_instance');
    expect(byInstance).not.toContain('TEMP B-TREE');
    db.close();
  });
});

describe('migration 4: the request log names the fault rule that shaped an answer', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-migrate-fault-'));
    path = join(dir, 'state.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the rows of schema 3 (read back with fault null) and stores the fault of new ones', () => {
    const db = new Database(path);
    migrate(db, path, migrations.slice(0, 3));
    const insert = db.prepare(`INSERT INTO metadata_requests (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const old = sampleRequest(1);
    insert.run(1, old.time, old.instanceId, old.sourceIp, old.method, old.path, old.status, old.bytes, old.latencyMs, old.userAgent, 0, old.flavour);
    db.close();

    const store = openSqliteStore({ path, requestLog: failOnFlushError });
    expect(store.schemaVersion).toBe(migrations.length);
    store.requestLog.append(sampleRequest(2, { status: 500, fault: 'f1' }));
    store.requestLog.append(sampleRequest(3, { status: 0, bytes: 0, fault: 'f2' }));
    store.close();

    const reopened = openSqliteStore({ path, requestLog: failOnFlushError });
    expect(reopened.requestLog.query({}).map((r) => [r.status, r.fault])).toEqual([[200, null], [500, 'f1'], [0, 'f2']]);
    reopened.close();
  });
});
