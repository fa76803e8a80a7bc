import type { Database, Statement } from 'better-sqlite3';
import type { MetadataRequestRecord } from '../../../domain/metadata-request.js';
import type { RequestLogQuery, RequestLogStore } from '../../../ports/store.js';
import { paramsFromRequest, requestFromRow, type RequestRow } from './request-row.js';

export interface SqliteRequestLogOptions {
  /** Longest a record waits in memory before it is written (default 100 ms). */
  flushIntervalMs?: number;
  /** A buffer this full is written on the next turn of the event loop (default 500). */
  maxBatch?: number;
  /**
   * Called when a background (timer) flush fails. The records stay buffered and are retried on the
   * next flush; explicit `flush()`/`close()` throw instead.
   */
  onFlushError: (err: unknown) => void;
}

/**
 * The metadata request log on SQLite, batched so the hot path never waits on disk: `append` only
 * pushes to an array; the buffer is written in ONE transaction after `flushIntervalMs`, when it
 * reaches `maxBatch`, on `flush()` and on `close()`. A clean close loses nothing; a crash (kill -9,
 * power loss) loses at most the records appended in the last flush window (~100 ms).
 * Appended records are kept by reference until written: callers must not mutate them afterwards.
 */
export class SqliteRequestLog implements RequestLogStore {
  private buffer: MetadataRequestRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly insert: Statement<unknown[]>;
  private readonly db: Database;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly onFlushError: (err: unknown) => void;

  constructor(db: Database, opts: SqliteRequestLogOptions) {
    this.db = db;
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
    this.maxBatch = opts.maxBatch ?? 500;
    this.onFlushError = opts.onFlushError;
    this.insert = db.prepare(
      `INSERT INTO metadata_requests (time, instance_id, source_ip, method, path, status, bytes, latency_ms, user_agent, token_used, flavour)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  append(record: MetadataRequestRecord): void {
    if (this.closed) throw new Error('SqliteRequestLog.append after close');
    this.buffer.push(record);
    if (this.buffer.length >= this.maxBatch) {
      this.immediate ??= setImmediate(() => this.backgroundFlush());
    } else if (this.timer === undefined) {
      // unref: a pending flush must not keep the process alive; close() flushes on the way out.
      this.timer = setTimeout(() => this.backgroundFlush(), this.flushIntervalMs).unref();
    }
  }

  flush(): void {
    this.cancelScheduled();
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.db.transaction(() => {
        for (const record of batch) this.insert.run(paramsFromRequest(record));
      })();
    } catch (err) {
      // Nothing was written (the transaction rolled back): put the batch back in front, in order.
      this.buffer = batch.concat(this.buffer);
      throw err;
    }
  }

  /** Records written and still buffered, merged: readers see every append, flushed or not. */
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
    const stored = (this.db.prepare(sql).all(...params) as RequestRow[]).reverse().map(requestFromRow);
    const pending = this.buffer.filter(
      (r) => (q.instanceId === undefined || r.instanceId === q.instanceId) && (q.sinceTime === undefined || r.time > q.sinceTime),
    );
    const merged = stored.concat(pending);
    return q.limit === undefined ? merged : merged.slice(Math.max(0, merged.length - Math.max(0, Math.floor(q.limit))));
  }

  /** Writes what is buffered and stops the timers. Later appends throw. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private backgroundFlush(): void {
    try {
      this.flush();
    } catch (err) {
      this.onFlushError(err);
      // Retry later rather than spin: the records are back in the buffer.
      if (!this.closed && this.timer === undefined) this.timer = setTimeout(() => this.backgroundFlush(), this.flushIntervalMs).unref();
    }
  }

  private cancelScheduled(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
