import type { Database } from 'better-sqlite3';

/**
 * One schema step. `id` is the schema version the database has after `up` ran; ids start at 1 and
 * have no gaps. A released migration never changes: fix mistakes with a new one.
 */
export interface Migration {
  id: number;
  /** What the step does, for logs and docs. */
  name: string;
  /** Runs inside the migration's transaction; must not commit or open one itself. */
  up(db: Database): void;
}
