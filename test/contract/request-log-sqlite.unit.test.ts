import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/store/sqlite/open-sqlite-store.js';
import { requestLogContract } from './request-log.contract.js';

const failOnFlushError = { onFlushError: (err: unknown) => { throw err; } };

requestLogContract('sqlite (:memory:)', () => {
  const sqlite = openSqliteStore({ path: ':memory:', requestLog: failOnFlushError });
  return { log: sqlite.requestLog, dispose: () => sqlite.close() };
});

requestLogContract('sqlite (file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minicloud-log-contract-'));
  const sqlite = openSqliteStore({ path: join(dir, 'state.db'), requestLog: failOnFlushError });
  return {
    log: sqlite.requestLog,
    dispose: () => {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
