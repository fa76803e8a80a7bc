import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';

const requestLog = { onFlushError: (err: unknown) => { throw err; } };

describe('cloud settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-cloud-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 32-byte token secret and a cloud id once, and keeps them across restarts', () => {
    const path = join(dir, 'state.db');
    const first = openSqliteStore({ path, requestLog });
    const secret = first.cloud.tokenSecret();
    const id = first.cloud.cloudId();
    expect(secret.byteLength).toBe(32);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.cloud.tokenSecret()).toEqual(secret);
    first.close();
    const second = openSqliteStore({ path, requestLog });
    expect(second.cloud.tokenSecret()).toEqual(secret);
    expect(second.cloud.cloudId()).toBe(id);
    second.close();
  });

  it('gives different clouds different secrets', () => {
    const a = openSqliteStore({ path: join(dir, 'a.db'), requestLog });
    const b = openSqliteStore({ path: join(dir, 'b.db'), requestLog });
    expect(a.cloud.tokenSecret()).not.toEqual(b.cloud.tokenSecret());
    a.close();
    b.close();
  });
});
