import type { RequestParamRows } from './request-insert.js';

/**
 * Where SqliteRequestLog hands its batches to be written. Batches are numbered 1, 2, 3… by the caller
 * and commit in order, so "committed up to N" says exactly which records are on disk.
 *
 * Failure contract (same for every writer): a batch that cannot be written stays queued inside the
 * writer and is retried on the next `post`, `sync` or after the retry interval; background failures
 * go to `onError`, `sync` throws instead. Nothing posted is ever dropped while the writer is open.
 */
export interface RequestLogWriter {
  /** Queues a batch and returns without waiting for the disk (the inline writer writes before returning). */
  post(batch: number, rows: RequestParamRows): void;
  /** The highest batch number known to be committed (cheap; may lag behind the disk, never lead it). */
  committed(): number;
  /** Blocks until every posted batch is committed; throws the reason when the attempt failed. */
  sync(): void;
  /**
   * Runs `read` (a query on the caller's own connection) and returns its result with the highest batch
   * number that result is guaranteed to contain and no later batch: the caller merges the batches above.
   */
  snapshot<T>(read: () => T): { value: T; committed: number };
  /** Writes what is queued (throws like `sync` when it cannot), then releases the writer. Idempotent. */
  close(): void;
}
