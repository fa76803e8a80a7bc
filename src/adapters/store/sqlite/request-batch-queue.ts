import type { Database, Statement } from 'better-sqlite3';
import { INSERT_REQUEST_SQL, REQUEST_PARAM_COUNT, type RequestParamRows } from './request-insert.js';

/**
 * Numbered batches of request-log rows waiting to be written on one connection, oldest first.
 * `writeAll` writes every queued batch in ONE transaction: all of them commit, or none does and they
 * stay queued for the next attempt. Batch numbers only grow, so "committed up to N" is the whole
 * progress report. Used on the writer thread and, for `:memory:` databases, on the main thread.
 */
export class RequestBatchQueue {
  private queue: { batch: number; rows: RequestParamRows }[] = [];
  private committedBatch = 0;
  private readonly db: Database;
  private readonly insert: Statement<unknown[]>;

  constructor(db: Database) {
    this.db = db;
    this.insert = db.prepare(INSERT_REQUEST_SQL);
  }

  add(batch: number, rows: RequestParamRows): void {
    this.queue.push({ batch, rows });
  }

  get isEmpty(): boolean {
    return this.queue.length === 0;
  }

  /** The highest batch number written (0: none yet). */
  get committed(): number {
    return this.committedBatch;
  }

  /** Writes every queued batch; throws SQLite's error with the queue untouched (the transaction rolled back). */
  writeAll(): void {
    const last = this.queue.at(-1);
    if (last === undefined) return;
    const insert = this.insert;
    this.db.transaction(() => {
      for (const { rows } of this.queue) {
        for (let i = 0; i < rows.length; i += REQUEST_PARAM_COUNT) {
          insert.run(rows[i], rows[i + 1], rows[i + 2], rows[i + 3], rows[i + 4], rows[i + 5], rows[i + 6], rows[i + 7], rows[i + 8], rows[i + 9], rows[i + 10]);
        }
      }
    })();
    this.queue = [];
    this.committedBatch = last.batch;
  }
}
