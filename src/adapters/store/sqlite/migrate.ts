import type { Database } from 'better-sqlite3';
import { errors } from '../../../errors/catalogue.js';
import type { Migration } from './migrations/migration.js';

/**
 * Brings the database up to the newest known schema. The version lives in SQLite's `user_version`
 * pragma, which is transactional: each migration and its version bump commit together, so a crash
 * mid-migration leaves the previous version intact. A database newer than `known` is refused
 * (MC_ERR_STORE_TOO_NEW) rather than guessed at. Returns the versions applied.
 */
export function migrate(db: Database, path: string, known: readonly Migration[]): number[] {
  const latest = known.length;
  const current = db.pragma('user_version', { simple: true });
  if (typeof current !== 'number') throw new Error(`PRAGMA user_version returned ${String(current)}`);
  if (current > latest) throw errors.storeTooNew(path, current, latest);
  const applied: number[] = [];
  for (const migration of known.slice(current)) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.id}`);
    }).immediate();
    applied.push(migration.id);
  }
  return applied;
}
