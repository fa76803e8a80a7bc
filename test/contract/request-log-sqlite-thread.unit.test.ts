import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/store/sqlite/open-sqlite-store.js';
import { requestLogContract } from './request-log.contract.js';

// A database file: the request log is written by the worker thread (ThreadRequestLogWriter).
requestLogContract('sqlite (file, writer thread)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minicloud-log-contract-'));
  const sqlite = openSqliteStore({ path: join(dir, 'state.db'), requestLog: { onFlushError: (err) => { throw err; } } });
  return {
    log: sqlite.requestLog,
    dispose: () => {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
