import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/adapters/store/sqlite/migrate.js';
import { migrations } from '../../../src/adapters/store/sqlite/migrations/index.js';
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { SqliteControllerStore } from '../../../src/adapters/store/sqlite/sqlite-controller-store.js';
import { sampleControllerInstance } from '../../helpers/controller-instance.js';

// What every ControllerStore does (order, replace, delete, copies, durability) is in
// test/contract/controller-store.contract.ts; this file keeps what only the SQLite adapter has.

let dir: string;

function open(path: string) {
  const store = openSqliteStore({ path, requestLog: { onFlushError: (e) => { throw e; } } });
  return { store, rows: new SqliteControllerStore(path) };
}

function insertRaw(path: string, id: string, doc: string): void {
  const raw = new Database(path);
  raw.prepare("INSERT INTO controller_instances (id, seq, desired, doc, updated_at) VALUES (?, 1, 'running', ?, 0)").run(id, doc);
  raw.close();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-ctlstore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SqliteControllerStore', () => {
  it('refuses a row that does not match the schema, naming the field', () => {
    const path = join(dir, 'state.db');
    const s = open(path);
    insertRaw(path, 'i-x', '{"id":"i-x"}');
    expect(() => s.rows.get('i-x')).toThrow(expect.objectContaining({ code: 'MC_ERR_STORE_ROW_INVALID', message: expect.stringContaining('i-x') }));
    expect(() => s.rows.list()).toThrow(expect.objectContaining({ code: 'MC_ERR_STORE_ROW_INVALID' }));
    s.rows.close();
    s.store.close();
  });

  it('refuses a row whose document is not JSON', () => {
    const path = join(dir, 'state.db');
    const s = open(path);
    insertRaw(path, 'i-y', '{"id":');
    expect(() => s.rows.get('i-y')).toThrow(expect.objectContaining({ code: 'MC_ERR_STORE_ROW_INVALID', message: expect.stringContaining('not JSON') }));
    s.rows.close();
    s.store.close();
  });

  it('keeps `desired` in its own column too, in step with the document (for queries)', () => {
    const path = join(dir, 'state.db');
    const s = open(path);
    const row = sampleControllerInstance(1);
    s.rows.put(row);
    s.rows.put({ ...row, desired: 'deleted' });
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT desired FROM controller_instances WHERE id = ?').get(row.id)).toEqual({ desired: 'deleted' });
    raw.close();
    s.rows.close();
    s.store.close();
  });

  it('on a shared connection, close() leaves the connection open for its owner', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', migrations);
    const rows = new SqliteControllerStore(db);
    rows.put(sampleControllerInstance(1));
    rows.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT COUNT(*) AS n FROM controller_instances').get()).toEqual({ n: 1 });
    db.close();
  });
});
