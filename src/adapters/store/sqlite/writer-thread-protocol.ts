import type { MessagePort } from 'node:worker_threads';
import type { RequestParamRows } from './request-insert.js';

/**
 * What the main thread and the request-log writer thread share. Progress is published in an
 * Int32Array over a SharedArrayBuffer so the main thread can read it (and block on it) without
 * turning its event loop: batches committed, whether a write transaction is open, last reply id.
 */
export const CELL_COMMITTED = 0;
export const CELL_BUSY = 1;
export const CELL_REPLY = 2;
export const CELL_COUNT = 3;

export interface WriterThreadData {
  /** The database file; the thread opens its own connection to it. */
  path: string;
  busyTimeoutMs: number;
  /** Delay before a failed write is tried again. */
  retryMs: number;
  /** CELL_COUNT Int32 cells. */
  cells: SharedArrayBuffer;
  /** Replies to `sync`/`close`, read by the main thread with receiveMessageOnPort while it blocks. */
  replies: MessagePort;
}

export type ToWriterThread =
  | { type: 'rows'; batch: number; rows: RequestParamRows }
  /** Write everything queued now and reply. */
  | { type: 'sync'; id: number }
  /** Like sync, then close the connection and end the thread. */
  | { type: 'close'; id: number };

/** On the replies port: the outcome of a sync/close; `error` null when everything queued is committed. */
export interface WriterThreadReply {
  id: number;
  error: string | null;
}

/** On parentPort: a background write failed (the rows stay queued and are retried). */
export interface WriterThreadNotice {
  type: 'error';
  message: string;
}

/** SQLite's code and message (an Error does not survive postMessage with its code). */
export function describeWriteError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
