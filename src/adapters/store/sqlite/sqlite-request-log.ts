import type { Database } from 'better-sqlite3';
import type { MetadataRequestRecord } from '../../../domain/metadata-request.js';
import type { RequestLogQuery, RequestLogStore } from '../../../ports/store.js';
import type { RequestLogWriter } from './request-log-writer.js';
import { appendRequestParams, type RequestParamRows } from './request-insert.js';
import { requestFromRow, type RequestRow } from './request-row.js';

export interface SqliteRequestLogOptions {
  /** Longest a record waits in memory before it is handed to the writer (default 100 ms). */
  flushIntervalMs?: number;
  /** A buffer this full is handed over on the next turn of the event loop (default 500). */
  maxBatch?: number;
  /**
   * Called when a background write fails. The records stay queued in the writer and are retried;
   * explicit `flush()`/`close()` throw instead (MC_ERR_STORE_LOG_WRITE).
   */
  onFlushError: (err: unknown) => void;
}

/**
 * The metadata request log on SQLite, batched so the hot path never waits on disk: `append` only
 * pushes to an array; the buffer is handed to the writer (see RequestLogWriter: a worker thread with
 * its own connection for database files) after `flushIntervalMs`, when it reaches `maxBatch`, on
 * `flush()` and on `close()`. `flush()` and `close()` return once everything appended is committed.
 * A clean close loses nothing; a crash (kill -9, power loss) loses at most the records of the last
 * flush window (~100 ms) plus the batch being written.
 * Appended records are kept by reference until written: callers must not mutate them afterwards.
 */
export class SqliteRequestLog implements RequestLogStore {
  private buffer: MetadataRequestRecord[] = [];
  /** Handed to the writer, not yet known committed: query() shows them from here. */
  private inFlight: { batch: number; records: MetadataRequestRecord[] }[] = [];
  private lastBatch = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly db: Database;
  private readonly writer: RequestLogWriter;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly onFlushError: (err: unknown) => void;

  constructor(db: Database, writer: RequestLogWriter, opts: SqliteRequestLogOptions) {
    this.db = db;
    this.writer = writer;
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
    this.maxBatch = opts.maxBatch ?? 500;
    this.onFlushError = opts.onFlushError;
  }

  append(record: MetadataRequestRecord): void {
    if (this.closed) throw new Error('SqliteRequestLog.append after close');
    this.buffer.push(record);
    if (this.buffer.length >= this.maxBatch) {
      this.immediate ??= setImmediate(() => this.handOverInBackground());
    } else if (this.timer === undefined) {
      // unref: a pending hand-over must not keep the process alive; close() writes on the way out.
      this.timer = setTimeout(() => this.handOverInBackground(), this.flushIntervalMs).unref();
    }
  }

  /** Returns once every record appended so far is committed; throws MC_ERR_STORE_LOG_WRITE (records stay queued). */
  flush(): void {
    this.handOver();
    this.writer.sync();
  }

  /** Records written and still pending, merged: readers see every append, written or not. */
  query(q: RequestLogQuery): MetadataRequestRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.instanceId !== undefined) {
      where.push('instance_id = ?');
      params.push(q.instanceId);
    }
    if (q.sinceTime !== undefined) {
      where.push('time > ?');
      params.push(q.sinceTime);
    }
    const limit = q.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(q.limit))}`;
    const sql = `SELECT * FROM metadata_requests${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC${limit}`;
    const statement = this.db.prepare(sql);
    const { value: rows, committed } = this.writer.snapshot(() => statement.all(...params) as RequestRow[]);
    this.forgetCommitted(committed);
    const stored = rows.reverse().map(requestFromRow);
    const matches = (r: MetadataRequestRecord) =>
      (q.instanceId === undefined || r.instanceId === q.instanceId) && (q.sinceTime === undefined || r.time > q.sinceTime);
    const pending: MetadataRequestRecord[] = [];
    for (const { records } of this.inFlight) for (const r of records) if (matches(r)) pending.push(r);
    for (const r of this.buffer) if (matches(r)) pending.push(r);
    const merged = stored.concat(pending);
    return q.limit === undefined ? merged : merged.slice(Math.max(0, merged.length - Math.max(0, Math.floor(q.limit))));
  }

  /** Writes everything appended (throws like flush), then releases the writer. Later appends throw. */
  close(): void {
    if (this.closed) return;
    this.handOver();
    this.writer.close();
    this.closed = true;
  }

  private handOverInBackground(): void {
    try {
      this.handOver();
    } catch (err) {
      // The writers report write failures themselves; this is for anything else (a bug), never silent.
      this.onFlushError(err);
    }
  }

  /** Moves the buffer to the writer as one numbered batch. */
  private handOver(): void {
    this.cancelScheduled();
    if (this.buffer.length === 0) return;
    const records = this.buffer;
    this.buffer = [];
    const rows: RequestParamRows = [];
    for (const record of records) appendRequestParams(rows, record);
    const batch = ++this.lastBatch;
    this.forgetCommitted(this.writer.committed());
    this.inFlight.push({ batch, records });
    this.writer.post(batch, rows);
  }

  private forgetCommitted(committed: number): void {
    while ((this.inFlight[0]?.batch ?? Infinity) <= committed) this.inFlight.shift();
  }

  private cancelScheduled(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
