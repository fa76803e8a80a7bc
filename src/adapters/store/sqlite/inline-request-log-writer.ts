import type { Database } from 'better-sqlite3';
import { RequestBatchQueue } from './request-batch-queue.js';
import type { RequestLogWriter } from './request-log-writer.js';
import type { RequestParamRows } from './request-insert.js';

/**
 * Writes batches on the caller's thread and connection, at once. For databases another thread cannot
 * open (`:memory:`); file databases use the ThreadRequestLogWriter, which keeps inserts off the event loop.
 */
export class InlineRequestLogWriter implements RequestLogWriter {
  private readonly queue: RequestBatchQueue;
  private readonly retryMs: number;
  private readonly onError: (err: unknown) => void;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(db: Database, opts: { retryMs: number; onError: (err: unknown) => void }) {
    this.queue = new RequestBatchQueue(db);
    this.retryMs = opts.retryMs;
    this.onError = opts.onError;
  }

  post(batch: number, rows: RequestParamRows): void {
    this.queue.add(batch, rows);
    this.attempt();
  }

  committed(): number {
    return this.queue.committed;
  }

  sync(): void {
    this.cancelRetry();
    this.queue.writeAll();
  }

  snapshot<T>(read: () => T): { value: T; committed: number } {
    // Same thread, same connection: nothing commits while `read` runs.
    return { value: read(), committed: this.queue.committed };
  }

  close(): void {
    this.sync();
  }

  private attempt(): void {
    this.cancelRetry();
    try {
      this.queue.writeAll();
    } catch (err) {
      this.onError(err);
      // unref: a pending retry must not keep the process alive; close() writes on the way out.
      this.retryTimer = setTimeout(() => this.attempt(), this.retryMs).unref();
    }
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
