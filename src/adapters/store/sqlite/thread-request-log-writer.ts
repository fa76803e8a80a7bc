import type { Database } from 'better-sqlite3';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { errors } from '../../../errors/catalogue.js';
import { InlineRequestLogWriter } from './inline-request-log-writer.js';
import type { RequestLogWriter } from './request-log-writer.js';
import type { RequestParamRows } from './request-insert.js';
import { startWriterThread } from './start-writer-thread.js';
import {
  CELL_BUSY,
  CELL_COMMITTED,
  CELL_COUNT,
  CELL_REPLY,
  type ToWriterThread,
  type WriterThreadNotice,
  type WriterThreadReply,
} from './writer-thread-protocol.js';

export interface ThreadRequestLogWriterOptions {
  /** The database file (not `:memory:`: another thread must be able to open it). */
  path: string;
  busyTimeoutMs: number;
  retryMs: number;
  /** Background write failures; also told when the thread dies (its rows are then written inline). */
  onError: (err: unknown) => void;
}

/**
 * Writes request-log batches on a worker thread with its own connection, so inserts, commits and WAL
 * checkpoints cost the event loop only a postMessage of a flat array (~0.5 µs per record).
 *
 * `sync`/`close` block the calling thread (Atomics.wait) until the writer thread replies: they are
 * for shutdown, tests and explicit flushes, never the request path. The thread is started on the first
 * batch, unref'd (it never keeps the process alive: close() is the clean way out), and if it ever dies
 * the batches it had not committed are written by an InlineRequestLogWriter on the main connection.
 */
export class ThreadRequestLogWriter implements RequestLogWriter {
  private readonly db: Database;
  private readonly opts: ThreadRequestLogWriterOptions;
  private readonly cells = new Int32Array(new SharedArrayBuffer(CELL_COUNT * Int32Array.BYTES_PER_ELEMENT));
  private thread: { worker: Worker; replies: MessagePort } | undefined;
  /** Posted batches the thread has not reported committed: rewritten inline if the thread dies. */
  private posted: { batch: number; rows: RequestParamRows }[] = [];
  private lastPosted = 0;
  private lastRequestId = 0;
  private closing = false;
  private fallback: InlineRequestLogWriter | undefined;

  constructor(db: Database, opts: ThreadRequestLogWriterOptions) {
    this.db = db;
    this.opts = opts;
  }

  post(batch: number, rows: RequestParamRows): void {
    if (this.fallback !== undefined) return this.fallback.post(batch, rows);
    const thread = this.thread ?? this.start();
    this.forgetCommitted();
    this.posted.push({ batch, rows });
    this.lastPosted = batch;
    thread.worker.postMessage({ type: 'rows', batch, rows } satisfies ToWriterThread);
  }

  committed(): number {
    const threadCommitted = Atomics.load(this.cells, CELL_COMMITTED);
    return this.fallback === undefined ? threadCommitted : Math.max(threadCommitted, this.fallback.committed());
  }

  sync(): void {
    if (this.fallback !== undefined) return this.fallback.sync();
    if (this.thread === undefined || this.committed() >= this.lastPosted) return;
    this.request('sync');
  }

  snapshot<T>(read: () => T): { value: T; committed: number } {
    if (this.fallback !== undefined) {
      const result = this.fallback.snapshot(read);
      return { value: result.value, committed: this.committed() };
    }
    // A seqlock over the thread's transaction: accept the read only if no write was open before it and
    // COMMITTED did not move across it; then the snapshot holds exactly the batches <= COMMITTED.
    for (;;) {
      if (Atomics.load(this.cells, CELL_BUSY) === 1) {
        Atomics.wait(this.cells, CELL_BUSY, 1, 50);
        continue;
      }
      const before = Atomics.load(this.cells, CELL_COMMITTED);
      const value = read();
      if (Atomics.load(this.cells, CELL_BUSY) === 0 && Atomics.load(this.cells, CELL_COMMITTED) === before) {
        return { value, committed: before };
      }
    }
  }

  close(): void {
    if (this.fallback !== undefined) return this.fallback.close();
    if (this.thread === undefined || this.closing) return;
    this.request('close');
    this.closing = true;
    this.posted = [];
  }

  private start(): { worker: Worker; replies: MessagePort } {
    const { port1, port2 } = new MessageChannel();
    const worker = startWriterThread(
      { path: this.opts.path, busyTimeoutMs: this.opts.busyTimeoutMs, retryMs: this.opts.retryMs, cells: this.cells.buffer as SharedArrayBuffer, replies: port2 },
      [port2],
    );
    worker.unref();
    worker.on('message', (notice: WriterThreadNotice) => {
      this.opts.onError(errors.storeLogWriteFailed(this.opts.path, notice.message));
    });
    worker.on('error', (err) => this.opts.onError(errors.storeLogWriteFailed(this.opts.path, `writer thread failed: ${String(err)}`).causedBy(err)));
    worker.on('exit', (code) => {
      if (!this.closing) this.takeOverInline(code);
    });
    this.thread = { worker, replies: port1 };
    return this.thread;
  }

  /** The thread died without being closed: what it had not committed is written on the main connection. */
  private takeOverInline(exitCode: number): void {
    this.opts.onError(errors.storeLogWriteFailed(this.opts.path, `writer thread exited (code ${exitCode}); writing on the main thread from now on`));
    const fallback = new InlineRequestLogWriter(this.db, { retryMs: this.opts.retryMs, onError: this.opts.onError });
    const committed = Atomics.load(this.cells, CELL_COMMITTED);
    for (const { batch, rows } of this.posted) if (batch > committed) fallback.post(batch, rows);
    this.posted = [];
    this.fallback = fallback;
  }

  /** Sends sync/close and blocks until the thread's reply; throws its error, or after a deadline. */
  private request(type: 'sync' | 'close'): void {
    const thread = this.thread;
    if (thread === undefined) return;
    const id = ++this.lastRequestId;
    thread.worker.postMessage({ type, id } satisfies ToWriterThread);
    // Longer than any one write can wait for a lock (busy_timeout), with room for a large batch.
    const deadline = Date.now() + 2 * this.opts.busyTimeoutMs + 30_000;
    for (;;) {
      const seen = Atomics.load(this.cells, CELL_REPLY);
      if (seen === id) break;
      const left = deadline - Date.now();
      if (left <= 0) throw errors.storeLogWriteFailed(this.opts.path, `the writer thread did not answer ${type} in time`);
      Atomics.wait(this.cells, CELL_REPLY, seen, Math.min(left, 1000));
    }
    for (;;) {
      const received = receiveMessageOnPort(thread.replies);
      if (received === undefined) throw errors.storeLogWriteFailed(this.opts.path, `the writer thread's reply to ${type} is missing`);
      const reply = received.message as WriterThreadReply;
      if (reply.id !== id) continue; // an earlier request that gave up waiting
      if (reply.error !== null) throw errors.storeLogWriteFailed(this.opts.path, reply.error);
      this.forgetCommitted();
      return;
    }
  }

  private forgetCommitted(): void {
    const committed = Atomics.load(this.cells, CELL_COMMITTED);
    if (this.posted.length > 0 && (this.posted[0]?.batch ?? Infinity) <= committed) {
      this.posted = this.posted.filter((b) => b.batch > committed);
    }
  }
}
