import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { MetadataRequestRecord } from '../../src/domain/metadata-request.js';
import type { TestNetns } from './netns.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The built CLI (`make build`); the real-client tests run exactly what users run. */
const MINICLOUD_CLI = join(ROOT, 'dist/cli/main.js');

/** One row of the request log, as the SQLite state database holds it: its seq and the recorded fields the tests check. */
export type LoggedRequest = { seq: number } & Pick<
  MetadataRequestRecord,
  'instanceId' | 'sourceIp' | 'method' | 'path' | 'status' | 'userAgent' | 'tokenUsed' | 'fault'
> & { latencyMs: number };

export interface MetadataServeProcess {
  /** Everything the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** The highest request-log seq written so far; pass it to `requestsAfter` to slice one client's run. */
  mark(): Promise<number>;
  /** Request-log rows after `mark`, once the server's batched writes have settled. */
  requestsAfter(mark: number): Promise<LoggedRequest[]>;
  /** Closes the log reader. The process itself is the namespace's: `ns.destroy()` ends it. Idempotent. */
  close(): void;
}

/**
 * Starts `minicloud metadata serve` inside `ns` and resolves once it accepts connections on
 * `listen` (probed from inside the namespace with curl). The request log is read from the state
 * directory's SQLite database, read-only: that is the log the issue asks for, and it does not
 * depend on the console line format.
 */
export async function startMetadataServe(
  ns: TestNetns,
  opts: { listen: string; instancesFile: string; stateDir: string; faultsFile?: string },
): Promise<MetadataServeProcess> {
  if (!existsSync(MINICLOUD_CLI)) throw new Error(`${MINICLOUD_CLI} is missing: run \`make build\` first`);
  const child = ns.spawn(process.execPath, [
    MINICLOUD_CLI,
    'metadata',
    'serve',
    '--listen',
    opts.listen,
    '--instances',
    opts.instancesFile,
    '--state-dir',
    opts.stateDir,
    ...(opts.faultsFile === undefined ? [] : ['--faults', opts.faultsFile]),
  ]);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));

  await waitUntilListening(ns, child, opts.listen, () => output);
  let db: Database.Database | undefined;
  const openLog = (): Database.Database => {
    db ??= new Database(findStateDatabase(opts.stateDir), { readonly: true });
    return db;
  };
  const maxSeq = (): number =>
    (openLog().prepare('SELECT coalesce(max(seq), 0) AS n FROM metadata_requests').get() as { n: number }).n;

  return {
    output: () => output,
    mark: async () => {
      await settle(maxSeq);
      return maxSeq();
    },
    requestsAfter: async (mark) => {
      await settle(maxSeq);
      const rows = openLog()
        .prepare(
          `SELECT seq, instance_id, source_ip, method, path, status, user_agent, token_used, latency_ms, fault
             FROM metadata_requests WHERE seq > ? ORDER BY seq`,
        )
        .all(mark) as {
        seq: number;
        instance_id: string | null;
        source_ip: string;
        method: string;
        path: string;
        status: number;
        user_agent: string | null;
        token_used: number;
        latency_ms: number;
        fault: string | null;
      }[];
      return rows.map((r) => ({
        seq: r.seq,
        instanceId: r.instance_id,
        sourceIp: r.source_ip,
        method: r.method,
        path: r.path,
        status: r.status,
        userAgent: r.user_agent,
        tokenUsed: r.token_used !== 0,
        latencyMs: r.latency_ms,
        fault: r.fault,
      }));
    },
    close: () => {
      db?.close();
      db = undefined;
    },
  };
}

/** One line per request, for assertion messages: `GET /latest/meta-data/ 200 token`. */
export function describeRequests(requests: LoggedRequest[]): string {
  return requests
    .map((r) => `${r.method} ${r.path} ${r.status}${r.tokenUsed ? ' token' : ''}${r.fault === null ? '' : ` fault ${r.fault}`} from ${r.sourceIp} (${r.instanceId ?? 'unknown'}) ${r.latencyMs.toFixed(0)}ms`)
    .join('\n');
}

async function waitUntilListening(ns: TestNetns, child: ChildProcess, listen: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`minicloud metadata serve exited with ${child.exitCode}:\n${output()}`);
    // Any HTTP answer means it is listening; curl exit 7 means not yet. The probe comes from 127.0.0.1
    // (::1 to an IPv6 address), which no test instance owns: it is refused before any fault rule and is
    // no instance's request.
    const loopback = listen.startsWith('[') ? '::1' : '127.0.0.1';
    const probe = await ns.runStatus('curl', ['-s', '-o', '/dev/null', '--max-time', '2', '--interface', loopback, `http://${listen}/`]);
    if (probe.code === 0) return;
    if (Date.now() > deadline) throw new Error(`minicloud metadata serve is not answering on ${listen}:\n${output()}`);
    await sleep(100);
  }
}

/** The state directory holds one SQLite database; its file name is the store's business. */
function findStateDatabase(stateDir: string): string {
  const files = readdirSync(stateDir).filter((f) => /\.(db|sqlite3?)$/.test(f));
  const file = files[0];
  if (files.length !== 1 || file === undefined) {
    throw new Error(`expected one SQLite database in ${stateDir}, found: ${files.join(', ') || 'none'}`);
  }
  return join(stateDir, file);
}

/** The log is written in batches (every ~100 ms): wait until the row count holds still for 300 ms. */
async function settle(count: () => number): Promise<void> {
  let last = count();
  for (let stable = 0; stable < 3; ) {
    await sleep(100);
    const now = count();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
}
