import { openSqliteStore } from '../../src/adapters/store/sqlite/open-sqlite-store.js';
import { instanceStoreContract } from './instance-store.contract.js';

instanceStoreContract('sqlite (:memory:)', () => {
  const sqlite = openSqliteStore({ path: ':memory:', requestLog: { onFlushError: (err) => { throw err; } } });
  return { store: sqlite.instances, dispose: () => sqlite.close() };
});
