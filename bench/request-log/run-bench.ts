/**
 * Request-log write cost (a script, not a test): what SqliteRequestLog's writes cost the thread that
 * runs them (the metadata server's, since the log is written on the main thread), per row, at batch
 * sizes 100, 500 (the default maxBatch), 1000 and 5000, for the schema before migration 3 (AUTOINCREMENT, indexes on
 * (instance_id, seq) and time) and after it (rowid, one index on instance_id).
 *
 * Each cell: a fresh database file (WAL, synchronous=NORMAL, as openSqliteStore opens it), WARMUP
 * rows written first, then ROWS rows appended and written with flush() every `batch` records. CPU is
 * the process's user+sys time over the measured writes (autocheckpoints included; this script does
 * nothing else meanwhile); wall is elapsed time; "write" is how long one flush() holds the event loop:
 * the median one, and the longest (a write that ran a WAL checkpoint: two fsyncs). Cells run in BENCH_ROUNDS rounds, interleaved; medians.
 * Rows look like the metadata bench's: 4 instances, one path, a user agent.
 *
 * Environment: BENCH_ROWS (default 100000), BENCH_ROUNDS (default 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../src/adapters/store/sqlite/migrate.js';
import { migration0004RequestLogFault } from '../../src/adapters/store/sqlite/migrations/0004-request-log-fault.js';
import { migrations } from '../../src/adapters/store/sqlite/migrations/index.js';
import { SqliteRequestLog } from '../../src/adapters/store/sqlite/sqlite-request-log.js';
import type { MetadataRequestRecord } from '../../src/domain/metadata-request.js';
import { median } from '../median.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? '100000');
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? '5');
const WARMUP = 20_000;
const BATCHES = [100, 500, 1000, 5000];
const SCHEMAS = [
  { name: 'schema 2 (AUTOINCREMENT, 2 indexes)', version: 2 },
  { name: 'schema 3 (rowid, 1 index)', version: 3 },
];

function record(n: number): MetadataRequestRecord {
  return {
    time: 1_700_000_000_000 + Math.floor(n / 50),
    instanceId: `i-0000000000000000${n % 4}`,
    sourceIp: `10.0.0.${10 + (n % 4)}`,
    method: 'GET',
    path: '/latest/meta-data/instance-id',
    status: 200,
    bytes: 19,
    latencyMs: 0.125,
    userAgent: 'wrk',
    tokenUsed: false,
    flavour: 'ec2',
    fault: null,
  };
}

interface Cell {
  cpuUsPerRow: number;
  wallUsPerRow: number;
  medianWriteMs: number;
  longestWriteMs: number;
}

function measure(version: number, batch: number): Cell {
  const dir = mkdtempSync(join(tmpdir(), 'minicloud-bench-log-'));
  const path = join(dir, 'state.db');
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db, path, migrations.slice(0, version));
    // Both schemas get migration 4's `fault` column (added last, no index), which today's insert writes.
    migration0004RequestLogFault.up(db);
    const log = new SqliteRequestLog(db, {
      flushIntervalMs: 3_600_000,
      maxBatch: Number.MAX_SAFE_INTEGER,
      onFlushError: (err) => {
        throw err;
      },
    });
    const records = Array.from({ length: WARMUP + ROWS }, (_, n) => record(n));
    const write = (from: number, to: number): number => {
      for (let i = from; i < to; i++) log.append(records[i] as MetadataRequestRecord);
      const started = performance.now();
      log.flush();
      return performance.now() - started;
    };
    for (let n = 0; n < WARMUP; n += batch) write(n, Math.min(WARMUP, n + batch));
    const writes: number[] = [];
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let n = WARMUP; n < WARMUP + ROWS; n += batch) writes.push(write(n, Math.min(WARMUP + ROWS, n + batch)));
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    log.close();
    return { cpuUsPerRow: (cpu.user + cpu.system) / ROWS, wallUsPerRow: (wallMs * 1000) / ROWS, medianWriteMs: median(writes), longestWriteMs: Math.max(...writes) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What `append` costs the request path: a push and a timer check, no disk (the best of 5 passes). */
function appendCost(): number {
  const records = Array.from({ length: 100_000 }, (_, n) => record(n));
  let best = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    const db = new Database(':memory:');
    migrate(db, ':memory:', migrations);
    const log = new SqliteRequestLog(db, { flushIntervalMs: 3_600_000, maxBatch: Number.MAX_SAFE_INTEGER, onFlushError: () => {} });
    const started = performance.now();
    for (const r of records) log.append(r);
    best = Math.min(best, ((performance.now() - started) * 1000) / records.length);
    db.close();
  }
  return best;
}

const results = new Map<string, Cell[]>();
const appendUs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  appendUs.push(appendCost());
  for (const batch of BATCHES) {
    for (const schema of SCHEMAS) {
      const key = `${schema.name}|${batch}`;
      results.set(key, [...(results.get(key) ?? []), measure(schema.version, batch)]);
    }
  }
}
console.log(`request-log writes on the calling thread: ${ROWS} rows per cell after ${WARMUP} warm-up rows, ${ROUNDS} rounds, medians (node ${process.version}, SQLite ${(new Database(':memory:').prepare('SELECT sqlite_version()').pluck().get() as string)})`);
console.log(`append (push to the buffer): ${median(appendUs).toFixed(3)} µs/record`);
for (const batch of BATCHES) {
  for (const schema of SCHEMAS) {
    const cells = results.get(`${schema.name}|${batch}`) ?? [];
    const m = (pick: (c: Cell) => number) => median(cells.map(pick));
    console.log(
      `batch ${String(batch).padStart(5)}  ${schema.name.padEnd(36)} CPU ${m((c) => c.cpuUsPerRow).toFixed(2)} µs/row (min ${Math.min(...cells.map((c) => c.cpuUsPerRow)).toFixed(2)})   wall ${m((c) => c.wallUsPerRow).toFixed(2)} µs/row   write ${m((c) => c.medianWriteMs).toFixed(2)} ms median, ${m((c) => c.longestWriteMs).toFixed(1)} ms longest`,
    );
  }
}
