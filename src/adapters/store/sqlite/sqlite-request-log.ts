import type { Database } from 'better-sqlite3';
import type { MetadataRequestRecord } from '../../../domain/metadata-request.js';
import { errors, type MinicloudError } from '../../../errors/catalogue.js';
import type { RequestLogQuery, RequestLogStore } from '../../../ports/store.js';
import { RequestLogInsert } from './request-insert.js';
import { matchesRequestQuery, queryLimit, selectWrittenRequests } from './request-log-select.js';

export interface SqliteRequestLogOptions {
  /** Longest a record waits in memory before a background write takes it (default 100 ms): what a crash can lose. */
  flushIntervalMs?: number;
  /**
   * Most records one background write takes (default 500), which bounds how long a write holds the
   * event loop. A buffer this full is written on the next turn of the event loop, never inside `append`.
   */
  maxBatch?: number;
  /**
   * Called with MC_ERR_STORE_LOG_WRITE when a background write fails. The records stay buffered and the
   * write is tried again after `flushIntervalMs`; explicit `flush()`/`close()` throw instead.
   */
  onFlushError: (err: unknown) => void;
}

/**
 * The metadata request log on SQLite, written on the caller's thread and connection in batches so a
 * request never waits on the disk: `append` only pushes to an array. A timer (unref'd) writes what is
 * buffered `flushIntervalMs` after the first record of a batch; a full batch (`maxBatch`) is written on
 * the next turn of the event loop; each write is ONE transaction. `flush()` and `close()` write
 * everything at once. A clean close loses nothing; a crash of the process (kill -9) loses at most the
 * records of the last window (a power loss: docs/configuration.md). `query()` merges the buffer, so
 * readers see every append.
 *
 * Background writes do not wait for another connection's write lock (busy_timeout 0 while they run):
 * a held lock costs the event loop nothing, the write fails, is reported and retried. While the
 * process lives nothing appended is dropped, however long the database stays unwritable.
 * Appended records are kept by reference until written: callers must not mutate them afterwards.
 */
export class SqliteRequestLog implements RequestLogStore {
  /** Appended and not yet written: pending[head..], in append order. */
  private pending: MetadataRequestRecord[] = [];
  private head = 0;
  /** The last background write failed: wait for the timer before trying again, even with a full batch. */
  private isFailing = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly db: Database;
  private readonly insert: RequestLogInsert;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly onFlushError: (err: unknown) => void;
  /** The connection's busy_timeout, restored after each background write (read once: openSqliteStore sets it before). */
  private readonly busyTimeoutMs: number;

  constructor(db: Database, opts: SqliteRequestLogOptions) {
    this.db = db;
    this.busyTimeoutMs = db.pragma('busy_timeout', { simple: true }) as number;
    this.insert = new RequestLogInsert(db);
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
    this.maxBatch = Math.max(1, opts.maxBatch ?? 500);
    this.onFlushError = opts.onFlushError;
  }

  append(record: MetadataRequestRecord): void {
    if (this.closed) throw new Error('SqliteRequestLog.append after close');
    this.pending.push(record);
    this.schedule();
  }

  /** Writes every record appended so far in one transaction; throws MC_ERR_STORE_LOG_WRITE (records stay buffered). */
  flush(): void {
    this.cancelScheduled();
    try {
      this.writeOldest(Infinity);
      this.isFailing = false;
    } catch (err) {
      this.isFailing = true;
      this.schedule();
      throw this.writeError(err);
    }
  }

  /** Written records and buffered ones, merged: readers see every append, written or not. */
  query(q: RequestLogQuery): MetadataRequestRecord[] {
    const merged = selectWrittenRequests(this.db, q);
    for (let i = this.head; i < this.pending.length; i++) {
      const r = this.pending[i] as MetadataRequestRecord;
      if (matchesRequestQuery(r, q)) merged.push({ ...r });
    }
    return q.limit === undefined ? merged : merged.slice(Math.max(0, merged.length - queryLimit(q.limit)));
  }

  /** Writes everything buffered, then refuses appends. Idempotent. A failed final write throws, naming what is lost. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelScheduled();
    const unwritten = this.pending.length - this.head;
    try {
      this.writeOldest(Infinity);
    } catch (err) {
      throw errors.storeLogWriteFailed(this.db.name, `${unwritten} records not written at close: ${describeSqliteError(err)}`).causedBy(err);
    }
  }

  private readonly writeInBackground = (): void => {
    this.cancelScheduled();
    try {
      // A PRAGMA takes effect when it is prepared, so a prepared statement cannot be reused for this.
      this.db.pragma('busy_timeout = 0');
      this.writeOldest(this.maxBatch);
      this.isFailing = false;
    } catch (err) {
      this.isFailing = true;
      this.onFlushError(this.writeError(err));
    } finally {
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    }
    this.schedule();
  };

  /** Arms the next background write: a full batch on the next turn (unless the last write failed), else after the interval. */
  private schedule(): void {
    const waiting = this.pending.length - this.head;
    if (waiting === 0) return;
    if (waiting >= this.maxBatch && !this.isFailing) {
      this.immediate ??= setImmediate(this.writeInBackground);
    } else {
      // unref: a pending write must not keep the process alive; close() writes on the way out.
      this.timer ??= setTimeout(this.writeInBackground, this.flushIntervalMs).unref();
    }
  }

  /** Writes the oldest `limit` buffered records in one transaction and drops them from the buffer once committed. */
  private writeOldest(limit: number): void {
    const end = Math.min(this.pending.length, this.head + limit);
    this.insert.write(this.pending, this.head, end);
    this.head = end;
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head * 2 > this.pending.length) {
      // A backlog drained in maxBatch steps: compact now and then, so the array does not grow forever.
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  private cancelScheduled(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private writeError(err: unknown): MinicloudError {
    return errors.storeLogWriteFailed(this.db.name, describeSqliteError(err)).causedBy(err);
  }
}

/** SQLite's code and message, e.g. `SQLITE_BUSY: database is locked`. */
function describeSqliteError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
