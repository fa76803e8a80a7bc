/**
 * Entry point of the request-log writer thread (started by ThreadRequestLogWriter). Owns its own
 * better-sqlite3 connection, so the inserts, commits and WAL checkpoints of the request log never run
 * on the metadata server's event loop. Writes each batch as it arrives; a failed write keeps the rows
 * queued, is reported, and retried after `retryMs` or on the next message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { RequestBatchQueue } from './request-batch-queue.js';
import {
  CELL_BUSY,
  CELL_COMMITTED,
  CELL_REPLY,
  describeWriteError,
  type ToWriterThread,
  type WriterThreadData,
  type WriterThreadNotice,
  type WriterThreadReply,
} from './writer-thread-protocol.js';

const data = workerData as WriterThreadData;
const port = parentPort;
if (port === null) throw new Error('request-log-writer-thread must run as a worker thread');
const cells = new Int32Array(data.cells);
const db = new Database(data.path);
db.pragma(`busy_timeout = ${Math.floor(data.busyTimeoutMs)}`);
// The journal mode (WAL) is a property of the file, set by openSqliteStore; synchronous is per connection.
db.pragma('synchronous = NORMAL');
const queue = new RequestBatchQueue(db);
let retryTimer: NodeJS.Timeout | undefined;

/** Writes what is queued. Returns null on success, else the reason (the rows stay queued). */
function attempt(): string | null {
  if (retryTimer !== undefined) clearTimeout(retryTimer);
  retryTimer = undefined;
  if (queue.isEmpty) return null;
  // BUSY brackets the transaction: the main thread's query() reads a snapshot only when BUSY was 0 and
  // COMMITTED did not move across its read, so it knows exactly which batches that snapshot holds.
  Atomics.store(cells, CELL_BUSY, 1);
  try {
    queue.writeAll();
    Atomics.store(cells, CELL_COMMITTED, queue.committed);
    return null;
  } catch (err) {
    retryTimer = setTimeout(writeInBackground, data.retryMs);
    return describeWriteError(err);
  } finally {
    Atomics.store(cells, CELL_BUSY, 0);
    Atomics.notify(cells, CELL_BUSY);
  }
}

function writeInBackground(): void {
  const error = attempt();
  if (error !== null) port?.postMessage({ type: 'error', message: error } satisfies WriterThreadNotice);
}

function reply(id: number, error: string | null): void {
  data.replies.postMessage({ id, error } satisfies WriterThreadReply);
  Atomics.store(cells, CELL_REPLY, id);
  Atomics.notify(cells, CELL_REPLY);
}

port.on('message', (message: ToWriterThread) => {
  if (message.type === 'rows') {
    queue.add(message.batch, message.rows);
    writeInBackground();
    return;
  }
  const error = attempt();
  if (message.type === 'close' && error === null) {
    db.close();
    reply(message.id, null);
    port.close(); // nothing left to do: the thread ends
    return;
  }
  reply(message.id, error);
});
