import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { SqliteControllerStore } from '../../../src/adapters/store/sqlite/sqlite-controller-store.js';
import type { ControllerInstance } from '../../../src/domain/controller-instance.js';
import { advanceStage, initialStageState } from '../../../src/core/stage-tracker.js';

let dir: string;
const inst = (id: string): ControllerInstance => ({
  id,
  desired: 'running',
  image: { name: 'minicirros', path: '/i/disk.qcow2', format: 'qcow2', kernel: { kernelPath: '/k', initrdPath: null, cmdline: 'console=ttyS0' }, sshUser: 'cirros' },
  cpus: 1,
  memoryMiB: 256,
  diskBytes: null,
  removeOnExit: false,
  accelerator: 'tcg',
  stages: advanceStage({ ...initialStageState(1), startedAt: 2 }, { kind: 'lease', at: 5, ip: '10.0.0.2' }).state,
  failure: null,
});

function open(path: string) {
  const store = openSqliteStore({ path, requestLog: { onFlushError: (e) => { throw e; } } });
  return { store, rows: new SqliteControllerStore(path) };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-ctlstore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SqliteControllerStore', () => {
  it('keeps rows in creation order, replaces on put, and survives a reopen (nothing only in memory)', () => {
    const path = join(dir, 'state.db');
    const a = open(path);
    a.rows.put(inst('i-b'));
    a.rows.put(inst('i-a'));
    a.rows.put({ ...inst('i-b'), desired: 'deleted' });
    // No close: a kill -9 closes nothing either.
    const b = open(path);
    expect(b.rows.list().map((r) => [r.id, r.desired])).toEqual([['i-b', 'deleted'], ['i-a', 'running']]);
    expect(b.rows.get('i-a')).toEqual(inst('i-a'));
    b.rows.delete('i-a');
    b.rows.delete('i-missing');
    expect(b.rows.get('i-a')).toBeUndefined();
    for (const s of [a, b]) {
      s.rows.close();
      s.store.close();
    }
  });

  it('refuses a row that does not match the schema', () => {
    const path = join(dir, 'state.db');
    const s = open(path);
    const raw = new Database(path);
    raw.prepare("INSERT INTO controller_instances (id, seq, desired, doc, updated_at) VALUES ('i-x', 1, 'running', '{\"id\":\"i-x\"}', 0)").run();
    raw.close();
    expect(() => s.rows.get('i-x')).toThrow(expect.objectContaining({ code: 'MC_ERR_STORE_ROW_INVALID' }));
    s.rows.close();
    s.store.close();
  });
});
