/**
 * The process request-log-crash.test.ts kills with SIGKILL. Usage:
 *   node --import tsx request-log-crash-child.ts DB flush-then-append
 *     appends 1000 records, flush(), prints `flushed 1000`, appends 500 more (the timer is 60 s away),
 *     prints `appended 1500`, then waits to be killed.
 *   node --import tsx request-log-crash-child.ts DB steady INTERVAL_MS
 *     appends 10 records every 2 ms with the timer writing every INTERVAL_MS, and prints
 *     `appended N AT` (N records so far, AT epoch ms) after each burst, until killed.
 * Record n is sampleRequest(n): its path ends in `?n=<n>`, so the test can check what survived.
 */
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { sampleRequest } from '../../helpers/request-record.js';

const [path, mode, intervalArg] = process.argv.slice(2);
if (path === undefined || (mode !== 'flush-then-append' && mode !== 'steady')) throw new Error(`usage: DB flush-then-append|steady [INTERVAL_MS]`);
const flushIntervalMs = mode === 'steady' ? Number(intervalArg) : 60_000;
const store = openSqliteStore({
  path,
  requestLog: {
    flushIntervalMs,
    maxBatch: 1_000_000,
    onFlushError: (err) => {
      process.stderr.write(`request log write failed: ${String(err)}\n`);
      process.exit(3);
    },
  },
});
let n = 0;
if (mode === 'flush-then-append') {
  while (n < 1000) store.requestLog.append(sampleRequest(n++));
  store.requestLog.flush();
  process.stdout.write(`flushed ${n}\n`);
  while (n < 1500) store.requestLog.append(sampleRequest(n++));
  process.stdout.write(`appended ${n}\n`);
  setInterval(() => {}, 60_000); // alive until killed
} else {
  setInterval(() => {
    for (let i = 0; i < 10; i++) store.requestLog.append(sampleRequest(n++));
    process.stdout.write(`appended ${n} ${Date.now()}\n`);
  }, 2);
}
