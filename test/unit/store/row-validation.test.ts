import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { sampleInstance } from '../../helpers/instance-record.js';
import { thrownMinicloudError } from '../../helpers/minicloud-error.js';
import { sampleRequest } from '../../helpers/request-record.js';

const requestLog = { onFlushError: (err: unknown) => { throw err; } };

describe('rows are validated when read', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-rows-'));
    path = join(dir, 'state.db');
    const store = openSqliteStore({ path, requestLog });
    store.instances.insertInstance(sampleInstance(1));
    store.requestLog.append(sampleRequest(1));
    store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tamper = (sql: string) => {
    const db = new Database(path);
    db.exec(sql);
    db.close();
  };

  it('names table, key and field for a bad instance column', () => {
    tamper("UPDATE instances SET mac = 'not-a-mac'");
    const err = thrownMinicloudError(() => openSqliteStore({ path, requestLog }));
    expect(err.code).toBe('MC_ERR_STORE_ROW_INVALID');
    expect(err.message).toContain('table instances');
    expect(err.message).toContain(sampleInstance(1).id);
    expect(err.message).toContain('/mac');
  });

  it('names the column that is not JSON', () => {
    tamper("UPDATE instances SET meta = '{broken'");
    const err = thrownMinicloudError(() => openSqliteStore({ path, requestLog }));
    expect(err.code).toBe('MC_ERR_STORE_ROW_INVALID');
    expect(err.message).toContain('column meta is not JSON');
  });

  it('checks JSON columns against their shape', () => {
    tamper(`UPDATE instances SET public_keys = '[{"name":"k"}]'`);
    expect(thrownMinicloudError(() => openSqliteStore({ path, requestLog })).message).toContain('/publicKeys/0/key');
  });

  it('validates request-log rows on query', () => {
    tamper("UPDATE metadata_requests SET status = 42");
    const store = openSqliteStore({ path, requestLog });
    const err = thrownMinicloudError(() => store.requestLog.query({}));
    expect(err.code).toBe('MC_ERR_STORE_ROW_INVALID');
    expect(err.message).toContain('metadata_requests');
    expect(err.message).toContain('seq 1');
    expect(err.message).toContain('/status');
    store.close();
  });
});
