import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../src/adapters/store/sqlite/migrate.js';
import { migrations } from '../../src/adapters/store/sqlite/migrations/index.js';
import { openSqliteStore } from '../../src/adapters/store/sqlite/open-sqlite-store.js';
import { SqliteControllerStore } from '../../src/adapters/store/sqlite/sqlite-controller-store.js';
import { controllerStoreContract } from './controller-store.contract.js';

// As the controller runs it: a database file openSqliteStore created and migrated, and the
// controller store's own connection to it.
controllerStoreContract('sqlite (file)', {
  isDurable: true,
  create: () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-ctlstore-'));
    const path = join(dir, 'state.db');
    const sqlite = openSqliteStore({ path, requestLog: { onFlushError: (err) => { throw err; } } });
    const opened = [new SqliteControllerStore(path)];
    return {
      store: opened[0]!,
      reopen: () => {
        const again = new SqliteControllerStore(path);
        opened.push(again);
        return again;
      },
      dispose: () => {
        for (const store of opened) store.close();
        sqlite.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

// A :memory: database exists only on its connection: the store shares it instead of opening its own.
controllerStoreContract('sqlite (:memory:)', {
  isDurable: false,
  create: () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', migrations);
    const store = new SqliteControllerStore(db);
    return {
      store,
      dispose: () => {
        store.close();
        db.close();
      },
    };
  },
});
