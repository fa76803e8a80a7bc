import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { errors, isMinicloudError } from '../../../errors/catalogue.js';
import { CloudSettings } from './cloud-settings.js';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';
import { SqliteInstanceStore } from './sqlite-instance-store.js';
import { SqliteRequestLog, type SqliteRequestLogOptions } from './sqlite-request-log.js';

export interface SqliteStore {
  instances: SqliteInstanceStore;
  requestLog: SqliteRequestLog;
  cloud: CloudSettings;
  /** Schema version after migrations ran. */
  schemaVersion: number;
  /** Writes what the request log still buffers and closes the database. Idempotent. */
  close(): void;
}

export interface OpenSqliteStoreOptions {
  /** Database file; its directory is created. `:memory:` works for tests. */
  path: string;
  /** Epoch-ms clock for timestamps the store writes itself (password set_at). */
  now?: () => number;
  requestLog: SqliteRequestLogOptions;
  /** How long a write waits for another connection's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a cloud's state database: WAL journal so readers (`metadata-log -f`
 * in another process) never block the writer, synchronous=NORMAL (durable at each WAL checkpoint,
 * never corrupt; a power cut can lose the last transactions), foreign keys on, busy_timeout so two
 * minicloud processes wait for each other instead of failing, then runs the migrations.
 * The request log is written on this connection, in batches (SqliteRequestLog).
 * Failures become MC_ERR_STORE_OPEN / MC_ERR_STORE_TOO_NEW.
 */
export function openSqliteStore(opts: OpenSqliteStoreOptions): SqliteStore {
  let db: Database.Database;
  try {
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    db = new Database(opts.path);
    db.pragma(`busy_timeout = ${Math.floor(opts.busyTimeoutMs ?? 5000)}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw errors.storeOpenFailed(opts.path, err instanceof Error ? err.message : String(err)).causedBy(err);
  }
  let schemaVersion: number;
  try {
    migrate(db, opts.path, migrations);
    schemaVersion = migrations.length;
  } catch (err) {
    db.close();
    if (isMinicloudError(err)) throw err;
    throw errors.storeOpenFailed(opts.path, `migration failed: ${err instanceof Error ? err.message : String(err)}`).causedBy(err);
  }
  let instances: SqliteInstanceStore;
  try {
    // Loads (and validates) every instance row into the read cache.
    instances = new SqliteInstanceStore(db, opts.now ?? Date.now);
  } catch (err) {
    db.close();
    throw err;
  }
  const requestLog = new SqliteRequestLog(db, opts.requestLog);
  const cloud = new CloudSettings(db);
  let isOpen = true;
  return {
    instances,
    requestLog,
    cloud,
    schemaVersion,
    close() {
      if (!isOpen) return;
      isOpen = false;
      try {
        requestLog.close();
      } finally {
        db.close();
      }
    },
  };
}
