import { openSqliteStore } from '../../src/adapters/store/sqlite/open-sqlite-store.js';
import { requestLogContract } from './request-log.contract.js';

requestLogContract('sqlite (:memory:)', () => {
  const sqlite = openSqliteStore({ path: ':memory:', requestLog: { onFlushError: (err) => { throw err; } } });
  return { log: sqlite.requestLog, dispose: () => sqlite.close() };
});
